/* lazylib.c - dlopen() and dlsym() for lazylib.h. */
#include "lazylib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

static void
lazylib_fail(const char *soname, const char *what)
{
	const char *why = dlerror();

	fprintf(stderr, "picflow: cannot load %s%s%s: %s (is the "
	    "installation complete?)\n", soname, what ? ", symbol " : "",
	    what ? what : "", why ? why : "unknown error");
	exit(EX_OSFILE);
}

void
lazylib_load(const char *soname, const struct lazylib_sym *syms, size_t n)
{
	void *h;

	/* RTLD_LOCAL: its symbols are for the table only. */
	if ((h = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL)
		lazylib_fail(soname, NULL);
	for (size_t i = 0; i < n; i++) {
		(void)dlerror();
		if ((*syms[i].slot = dlsym(h, syms[i].name)) == NULL)
			lazylib_fail(soname, syms[i].name);
	}
}
