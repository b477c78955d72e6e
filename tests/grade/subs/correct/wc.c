/* wc.c: print the number of words on standard input. */
#include <ctype.h>
#include <stdio.h>

int main(void)
{
	int c, in = 0;
	long words = 0;

	while ((c = getchar()) != EOF) {
		if (isspace(c))
			in = 0;
		else if (!in)
			in = 1, words++;
	}
	printf("%ld\n", words);
	return 0;
}
