keep;
frop;
if true { frop2 "x"; }
