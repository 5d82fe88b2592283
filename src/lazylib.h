/* lazylib.h - a shared library loaded the first time it is needed.
 *
 * libxml2 (with ICU and libstdc++) and ldns (with OpenSSL's libcrypto)
 * are each needed by one rare path: an HTML-only mail, a DNS answer.
 * Linked, they were loaded into every process: some 4.5 MB of a poll's
 * 23 MB, and their relocations in every start. Here they are opened
 * with dlopen() by the module that uses them, once (pthread_once), and
 * their functions called through a table of pointers it fills. */
#ifndef PICFLOW_LAZYLIB_H
#define PICFLOW_LAZYLIB_H

#include <stddef.h>

struct lazylib_sym {
	const char	 *name;
	void		**slot;		/* a function pointer, as a void * */
};

/* A module lists its library's functions once, as an X-macro
 * (#define XML_FUNCS(X) X(xmlFreeDoc) ...); these make of the list the
 * table's fields, each typed from the library's own header and named as
 * the function, and its entries for lazylib_load(). */
#define LAZYLIB_FIELD(fn)	__typeof__(&fn) fn;
#define LAZYLIB_SYM(table, fn)	{ #fn, (void **)&(table).fn },

/* dlopen(soname), then every symbol into its slot. A library that
 * cannot be loaded is a broken installation (the package depends on
 * it), as a linked one missing would be: the loader's message, and exit
 * EX_OSFILE; a run cut there is completed by the next (nothing is half
 * done outside a transaction). */
void	lazylib_load(const char *soname, const struct lazylib_sym *syms,
	    size_t n);

#endif
