if true {
	keep;
