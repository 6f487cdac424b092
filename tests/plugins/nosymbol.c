/*
 * nosymbol.c: a shared object without the siren_notify_method symbol.
 */
int nosymbol_answer(void);

int nosymbol_answer(void)
{
	return 42;
}
