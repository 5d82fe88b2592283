/* request_parse.c - decoded mail text to a request form (SPEC 1).
 *
 * One pass over the lines, each looked at once, so that a hostile mail
 * (50,000 lines, a 10 MB line, thousands of domains) costs time linear in
 * its size and memory bounded by the policy's limits: a field name lies in
 * the first RP_NAME_MAX bytes of its line, a stored value keeps at most
 * RP_VALUE_MAX bytes (longer ones are invalid anyway), duplicates are found
 * by hashing, and a list stops growing at RP_LIST_FACTOR times its maximum,
 * which still tells request_validate that there are too many.
 *
 * The form keeps what was written, normalised; whether it is valid is
 * decided by request_validate from the form alone (see request.h), so that
 * a request re-read later is judged exactly the same way. */
#include "request_parse.h"
#include "request_validate.h"
#include "addr.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RP_NAME_MAX	64	/* a field name lies within this many bytes */
#define RP_VALUE_MAX	1024	/* bytes of a value kept in the form */
#define RP_KEY_MAX	80	/* a folded keyword */
#define RP_SHORT_MAX	100	/* a value quoted in a warning */
#define RP_WARN_MAX	50
#define RP_NET_MAX	32
#define RP_LIST_FACTOR	4

enum rp_fid {
	F_ACTION, F_AGR_TYPE, F_AGR_NUM, F_DEPLOYMENT, F_EDGE, F_SIP,
	F_CONTACT, F_NETWORKS, F_ONLINE_EXT, F_LANGUAGE,
	F_CUT,		/* From: / De : - Outlook's quoted header block */
	F_MAX
};

/* Same numbering as request_form.lang_from_fields. */
enum rp_lang { L_ANY = 0, L_EN = 1, L_FR = 2 };

/* Names as rp_fold leaves them: lower case, no accents, '-' for blanks.
 * "From" is no picflow field: a line "From: x" opens a quoted message. */
static const struct rp_name {
	const char	*name;
	enum rp_fid	 fid;
	enum rp_lang	 lang;
} rp_names[] = {
	{ "action",				F_ACTION,	L_ANY },
	{ "agreement-type",			F_AGR_TYPE,	L_EN },
	{ "type-contrat",			F_AGR_TYPE,	L_FR },
	{ "type-de-contrat",			F_AGR_TYPE,	L_FR },
	{ "agreement-number",			F_AGR_NUM,	L_EN },
	{ "numero-contrat",			F_AGR_NUM,	L_FR },
	{ "numero-de-contrat",			F_AGR_NUM,	L_FR },
	{ "deployment",				F_DEPLOYMENT,	L_EN },
	{ "deploiement",			F_DEPLOYMENT,	L_FR },
	{ "edge-fqdn",				F_EDGE,		L_EN },
	{ "fqdn-edge",				F_EDGE,		L_FR },
	{ "sip-domain",				F_SIP,		L_EN },
	{ "domaine-sip",			F_SIP,		L_FR },
	{ "contact",				F_CONTACT,	L_ANY },
	{ "networks",				F_NETWORKS,	L_EN },
	{ "network",				F_NETWORKS,	L_EN },
	{ "reseaux",				F_NETWORKS,	L_FR },
	{ "reseau",				F_NETWORKS,	L_FR },
	{ "online-external-communications",	F_ONLINE_EXT,	L_EN },
	{ "communications-externes-online",	F_ONLINE_EXT,	L_FR },
	{ "language",				F_LANGUAGE,	L_EN },
	{ "langue",				F_LANGUAGE,	L_FR },
	{ "from",				F_CUT,		L_ANY },
	{ "de",					F_CUT,		L_ANY },
};

/* English names of the fields, for warnings and missing-field details. */
static const char *const rp_field_en[F_MAX] = {
	[F_ACTION] = "Action",			[F_AGR_TYPE] = "Agreement-Type",
	[F_AGR_NUM] = "Agreement-Number",	[F_DEPLOYMENT] = "Deployment",
	[F_EDGE] = "Edge-FQDN",			[F_SIP] = "SIP-Domain",
	[F_CONTACT] = "Contact",		[F_NETWORKS] = "Networks",
	[F_ONLINE_EXT] = "Online-External-Communications",
	[F_LANGUAGE] = "Language",		[F_CUT] = "From",
};

/* Values as written (folded) to their canonical form. */
struct rp_word {
	const char	*word;
	const char	*canon;
	enum rp_lang	 lang;
};

static const struct rp_word rp_actions[] = {
	{ "provision", "provision", L_EN },
	{ "provisioning", "provision", L_EN },
	{ "approvisionnement", "provision", L_FR },
	{ "approvisionner", "provision", L_FR },
	{ "update", "update", L_EN },
	{ "mise-a-jour", "update", L_FR },
	{ "status", "status", L_EN },
	{ "statut", "status", L_FR },
	{ "etat", "status", L_FR },
	{ "help", "help", L_EN },
	{ "aide", "help", L_FR },
	{ NULL, NULL, L_ANY }
};

static const struct rp_word rp_agreement_types[] = {
	{ "volume-licensing", "volume-licensing", L_EN },
	{ "volume-licencing", "volume-licensing", L_EN },
	{ "licences-en-volume", "volume-licensing", L_FR },
	{ "licence-en-volume", "volume-licensing", L_FR },
	{ "partner-network", "partner-network", L_EN },
	{ "partenaire", "partner-network", L_FR },
	{ "reseau-partenaire", "partner-network", L_FR },
	{ "spla", "spla", L_ANY },
	{ "high-volume", "high-volume", L_EN },
	{ "haut-volume", "high-volume", L_FR },
	{ NULL, NULL, L_ANY }
};

static const struct rp_word rp_deployments[] = {
	{ "lync-server-2010", "lync-server-2010", L_ANY },
	{ "lync-2010", "lync-server-2010", L_ANY },
	{ "lync-server-2013", "lync-server-2013", L_ANY },
	{ "lync-2013", "lync-server-2013", L_ANY },
	{ "hybrid", "hybrid", L_EN },
	{ "hybride", "hybrid", L_FR },
	{ "lync-online", "lync-online", L_ANY },
	{ NULL, NULL, L_ANY }
};

static const struct rp_word rp_online_ext[] = {
	{ "enabled", "enabled", L_EN },
	{ "activees", "enabled", L_FR },
	{ "activee", "enabled", L_FR },
	{ "actives", "enabled", L_FR },
	{ "active", "enabled", L_FR },
	{ "disabled", "disabled", L_EN },
	{ "desactivees", "disabled", L_FR },
	{ "desactivee", "disabled", L_FR },
	{ "desactives", "disabled", L_FR },
	{ "desactive", "disabled", L_FR },
	{ NULL, NULL, L_ANY }
};

static const struct rp_word rp_languages[] = {
	{ "en", "en", L_ANY }, { "english", "en", L_ANY },
	{ "anglais", "en", L_ANY },
	{ "fr", "fr", L_ANY }, { "french", "fr", L_ANY },
	{ "francais", "fr", L_ANY },
	{ NULL, NULL, L_ANY }
};

/* Names people give the networks; a name not here is looked up in the
 * policy as written, so a network added by configuration works too. */
static const struct rp_word rp_networks[] = {
	{ "skype", "skype", L_ANY },
	{ "windows-live", "windows-live", L_ANY },
	{ "windows-live-messenger", "windows-live", L_ANY },
	{ "live", "windows-live", L_ANY },
	{ "msn", "windows-live", L_ANY },
	{ "yahoo", "yahoo", L_ANY },
	{ "yahoo!", "yahoo", L_ANY },
	{ "aol", "aol", L_ANY },
	{ "aim", "aol", L_ANY },
	{ NULL, NULL, L_ANY }
};

enum rp_wkind {
	W_DUP_EDGE, W_DUP_SIP, W_REPEAT, W_CONTACT_ORPHAN, W_CONTACT_EXTRA,
	W_LANGUAGE
};

/* The code of each warning; its sentence, in the request's language, is
 * in mailtemplates/<lang>/reasons.txt. */
static const char *const rp_warn_code[] = {
	[W_DUP_EDGE] = "warning-duplicate-edge-fqdn",
	[W_DUP_SIP] = "warning-duplicate-sip-domain",
	[W_REPEAT] = "warning-repeated-field",
	[W_CONTACT_ORPHAN] = "warning-contact-orphan",
	[W_CONTACT_EXTRA] = "warning-contact-extra",
	[W_LANGUAGE] = "warning-unknown-language",
};

/* Duplicate detection: open addressing over strings the form owns. */
struct rp_slot {
	const char	*key;
	size_t		 idx;		/* position in the form's list */
	unsigned long	 line;		/* SIP-Domain line that last named it */
	int		 warned;	/* duplicate already reported */
};

struct rp_set {
	struct rp_slot	*slot;
	size_t		 cap;		/* 0 or a power of two */
	size_t		 n;
};

struct rp_warning {
	enum rp_wkind	 kind;
	char		*detail;
};

struct rp_state {
	struct request_form	*f;
	const struct policy	*p;
	int			 votes[3];	/* by enum rp_lang */
	enum rp_lang		 first_lang;
	unsigned		 repeat_warned;	/* bit per fid */
	char			*action_val;	/* canonical or as written */
	char			*lang_field;	/* "en"/"fr" of Language: */
	struct rp_set		 edges, sips;
	size_t			 edge_cap, sip_cap, sip_alloc;
	unsigned long		 sip_line;	/* SIP-Domain lines seen */
	size_t			*line_sip;	/* their domains, last line */
	size_t			 n_line_sip, line_sip_alloc;
	struct rp_warning	 warn[RP_WARN_MAX];
	size_t			 n_warn;
	int			 warn_dropped;
};

typedef void (*rp_handler)(struct rp_state *, const char *, const char *);

/* ---- characters -------------------------------------------------------- */

/* Latin-1 letters U+00C0..U+00FF without accents, by the low five bits of
 * the second UTF-8 byte (upper and lower case share them). */
static const char rp_latin1[32] = {
	'a', 'a', 'a', 'a', 'a', 'a', 'a', 'c', 'e', 'e', 'e', 'e',
	'i', 'i', 'i', 'i', 'd', 'n', 'o', 'o', 'o', 'o', 'o', 0,
	'o', 'u', 'u', 'u', 'u', 'y', 0, 0
};

/* Length of a hyphen-like character at p (ASCII, '_', Unicode dashes). */
static size_t
rp_dash(const char *p, const char *e)
{
	const unsigned char *u = (const unsigned char *)p;

	if (*p == '-' || *p == '_')
		return 1;
	if (e - p >= 3 && u[0] == 0xe2 && u[1] == 0x80 && u[2] >= 0x90 &&
	    u[2] <= 0x95)
		return 3;
	return 0;
}

/* Folds a name or keyword as people type it to the form of our tables:
 * ASCII lower case, Latin-1 accents dropped, each run of blanks and
 * dashes one '-'. 0 if it does not fit (then it is no keyword). */
static int
rp_fold(const char *s, const char *e, char *out, size_t outsz)
{
	const unsigned char *u;
	size_t o = 0, k;
	int c;

	while (s < e) {
		u = (const unsigned char *)s;
		if ((k = utf8_blank(s, e)) > 0 || (k = rp_dash(s, e)) > 0) {
			s += k;
			if (o == 0 || out[o - 1] == '-')
				continue;
			c = '-';
		} else if (u[0] == 0xc3 && e - s >= 2 &&
		    (u[1] & 0xc0) == 0x80 && rp_latin1[u[1] & 0x1f]) {
			c = rp_latin1[u[1] & 0x1f];
			s += 2;
		} else {
			c = (*u >= 'A' && *u <= 'Z') ? *u - 'A' + 'a' : *u;
			s++;
		}
		if (o + 1 >= outsz)
			return 0;
		out[o++] = (char)c;
	}
	while (o > 0 && out[o - 1] == '-')
		o--;
	out[o] = '\0';
	return 1;
}

/* Letters only (and ':' if keep_colon), folded: "a écrit :" gives
 * "aecrit:", "-----Message d'origine-----" gives "messagedorigine". */
static int
rp_letters(const char *s, const char *e, int keep_colon, char *out,
    size_t outsz)
{
	const unsigned char *u;
	size_t o = 0;
	int c;

	for (; s < e; s++) {
		u = (const unsigned char *)s;
		if (u[0] == 0xc3 && e - s >= 2 && (u[1] & 0xc0) == 0x80 &&
		    rp_latin1[u[1] & 0x1f]) {
			c = rp_latin1[u[1] & 0x1f];
			s++;
		} else if ((*u >= 'a' && *u <= 'z') ||
		    (*u >= 'A' && *u <= 'Z') || (keep_colon && *u == ':')) {
			c = *u | 0x20;
			if (*u == ':')
				c = ':';
		} else
			continue;
		if (o + 1 >= outsz)
			return 0;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 1;
}

/* A value as the form keeps it: at most max bytes, cut on a character
 * boundary and marked with an ellipsis (which no valid value contains, so
 * a cut value stays invalid), tabs as spaces and other control bytes as
 * U+FFFD (never '?', which is valid in an address). */
static char *
rp_clean(const char *s, const char *e, size_t max)
{
	struct strbuf sb;
	size_t n = (size_t)(e - s);
	int cut = 0;

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		cut = 1;
	}
	sb_init(&sb);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\t')
			sb_addc(&sb, ' ');
		else if (c < 0x20 || c == 0x7f)
			sb_adds(&sb, "\xef\xbf\xbd");
		else
			sb_addc(&sb, (char)c);
	}
	if (cut)
		sb_adds(&sb, "\xe2\x80\xa6");
	return sb_steal(&sb);
}

static const struct rp_word *
rp_word_find(const struct rp_word *tab, const char *s, const char *e)
{
	char key[RP_KEY_MAX];

	if (!rp_fold(s, e, key, sizeof(key)))
		return NULL;
	for (; tab->word; tab++)
		if (strcmp(tab->word, key) == 0)
			return tab;
	return NULL;
}

/* "en", "fr" (or a language the policy's templates add, such as "de")
 * from a Language value or a Content-Language tag ("fr-CA"). */
static const char *
rp_language_code(const struct policy *p, const char *s, const char *e)
{
	const struct rp_word *w = rp_word_find(rp_languages, s, e);
	char key[RP_KEY_MAX];
	const char *code;
	size_t n;

	if (w)
		return w->canon;
	if (!rp_fold(s, e, key, sizeof(key)))
		return NULL;
	if ((code = policy_language(p, key)) != NULL)
		return code;
	n = strcspn(key, "-");
	if (key[n] != '-' || n < 2)
		return NULL;
	key[n] = '\0';
	w = rp_word_find(rp_languages, key, key + n);
	return w ? w->canon : policy_language(p, key);
}

/* True if p starts a link Outlook adds after a name: "<http://...>",
 * "<https://...>", "<mailto:...>". */
static int
rp_autolink_at(const char *p, const char *e)
{
	static const char *const links[] = { "<http://", "<https://",
	    "<mailto:" };

	for (size_t i = 0; i < sizeof(links) / sizeof(*links); i++) {
		size_t n = strlen(links[i]);

		if ((size_t)(e - p) >= n && strncasecmp(p, links[i], n) == 0)
			return 1;
	}
	return 0;
}

/* The next item of a list value, up to a separator that is not inside
 * "..." or <...> (a display name may hold a comma). Returns where the
 * following item starts. */
static const char *
rp_item(const char *s, const char *e, const char *seps, const char **is,
    const char **ie)
{
	int quoted = 0, angle = 0;
	const char *p;

	for (p = s; p < e; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == '<')
			angle++;
		else if (!quoted && *p == '>' && angle > 0)
			angle--;
		else if (!quoted && !angle && strchr(seps, *p))
			break;
	}
	*is = s;
	*ie = p;
	utf8_trim(is, ie);
	return p < e ? p + 1 : e;
}

/* ---- duplicates ------------------------------------------------------- */

static uint64_t
rp_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct rp_slot *
rp_set_find(struct rp_set *set, const char *key)
{
	size_t i;

	if (set->cap == 0)
		return NULL;
	for (i = rp_hash(key) & (set->cap - 1); set->slot[i].key;
	    i = (i + 1) & (set->cap - 1))
		if (strcmp(set->slot[i].key, key) == 0)
			return &set->slot[i];
	return NULL;
}

static struct rp_slot *
rp_set_put(struct rp_set *set, const char *key, size_t idx)
{
	size_t i;

	if (2 * (set->n + 1) > set->cap) {
		struct rp_set big = { NULL, set->cap ? set->cap * 2 : 64, 0 };

		big.slot = xcalloc(big.cap, sizeof(*big.slot));
		for (i = 0; i < set->cap; i++)
			if (set->slot[i].key)
				*rp_set_put(&big, set->slot[i].key,
				    set->slot[i].idx) = set->slot[i];
		free(set->slot);
		*set = big;
	}
	for (i = rp_hash(key) & (set->cap - 1); set->slot[i].key;
	    i = (i + 1) & (set->cap - 1))
		;
	set->slot[i].key = key;
	set->slot[i].idx = idx;
	set->n++;
	return &set->slot[i];
}

/* ---- warnings --------------------------------------------------------- */

/* Warnings wait for the language, known only at the end of the text. */
static void
rp_warn(struct rp_state *st, enum rp_wkind kind, const char *detail)
{
	size_t n = strlen(detail);

	for (size_t i = 0; i < st->n_warn; i++)
		if (st->warn[i].kind == kind &&
		    strcmp(st->warn[i].detail, detail) == 0)
			return;
	if (st->n_warn == RP_WARN_MAX) {
		st->warn_dropped = 1;
		return;
	}
	st->warn[st->n_warn].kind = kind;
	st->warn[st->n_warn++].detail = rp_clean(detail, detail + n,
	    RP_SHORT_MAX);
}

static void
rp_warn_render(struct rp_state *st)
{
	for (size_t i = 0; i < st->n_warn; i++)
		reasons_add(&st->f->warnings, rp_warn_code[st->warn[i].kind],
		    st->warn[i].detail);
	if (st->warn_dropped)
		reasons_add(&st->f->warnings, "warning-more", NULL);
}

/* ---- single-valued fields --------------------------------------------- */

/* The first value of a field is kept: a later, different one gets a
 * warning rather than silently winning. Takes v; 1 if it was kept. */
static int
rp_first(struct rp_state *st, enum rp_fid fid, char **slot, char *v)
{
	if (*slot == NULL) {
		*slot = v;
		return 1;
	}
	if (strcmp(*slot, v) != 0 && !(st->repeat_warned & (1u << fid))) {
		st->repeat_warned |= 1u << fid;
		rp_warn(st, W_REPEAT, rp_field_en[fid]);
	}
	free(v);
	return 0;
}

/* A keyword field: its canonical value, or the value as written. */
static void
rp_keyword(struct rp_state *st, enum rp_fid fid, char **slot,
    const struct rp_word *tab, const char *s, const char *e)
{
	const struct rp_word *w = rp_word_find(tab, s, e);

	rp_first(st, fid, slot, w ? xstrdup(w->canon) :
	    rp_clean(s, e, RP_VALUE_MAX));
}

static void
rp_on_action(struct rp_state *st, const char *s, const char *e)
{
	const struct rp_word *w = rp_word_find(rp_actions, s, e);
	struct request_form *f = st->f;

	/* A French action word says the sender reads French even though
	 * "Action" is the same in both languages. */
	if (w && w->lang != L_ANY) {
		st->votes[w->lang]++;
		if (st->first_lang == L_ANY)
			st->first_lang = w->lang;
	}
	if (!rp_first(st, F_ACTION, &st->action_val, w ? xstrdup(w->canon) :
	    rp_clean(s, e, RP_VALUE_MAX)))
		return;
	f->action = w ? req_action_from_name(w->canon) : ACTION_BAD;
	if (f->action == ACTION_BAD)
		f->action_raw = xstrdup(st->action_val);
}

static void
rp_on_agreement_type(struct rp_state *st, const char *s, const char *e)
{
	rp_keyword(st, F_AGR_TYPE, &st->f->agreement_type, rp_agreement_types,
	    s, e);
}

/* Agreement numbers are compared across requests: one case for all. */
static void
rp_on_agreement_number(struct rp_state *st, const char *s, const char *e)
{
	char *v = rp_clean(s, e, RP_VALUE_MAX);

	for (char *q = v; *q; q++)
		if (*q >= 'a' && *q <= 'z')
			*q = (char)(*q - 'a' + 'A');
	rp_first(st, F_AGR_NUM, &st->f->agreement_number, v);
}

static void
rp_on_deployment(struct rp_state *st, const char *s, const char *e)
{
	rp_keyword(st, F_DEPLOYMENT, &st->f->deployment, rp_deployments, s, e);
}

static void
rp_on_online_ext(struct rp_state *st, const char *s, const char *e)
{
	rp_keyword(st, F_ONLINE_EXT, &st->f->online_ext, rp_online_ext, s, e);
}

static void
rp_on_language(struct rp_state *st, const char *s, const char *e)
{
	const char *code = rp_language_code(st->p, s, e);
	char *v;

	if (code) {
		rp_first(st, F_LANGUAGE, &st->lang_field, xstrdup(code));
		return;
	}
	v = rp_clean(s, e, RP_SHORT_MAX);
	rp_warn(st, W_LANGUAGE, v);
	free(v);
}

/* ---- lists ------------------------------------------------------------ */

/* A host name as written: lower case, an Outlook link after it dropped,
 * the root's trailing dot dropped; "sip:" before a domain is tolerated
 * (before an address it stays: that is sip-domain-is-address). */
static char *
rp_host(const char *s, const char *e)
{
	const char *lt = memchr(s, '<', (size_t)(e - s));
	char *v;
	size_t n;

	if (lt && rp_autolink_at(lt, e))
		e = lt;
	utf8_trim(&s, &e);
	v = rp_clean(s, e, RP_VALUE_MAX);
	str_lower(v);
	if (strncmp(v, "sip:", 4) == 0 && strchr(v, '@') == NULL)
		memmove(v, v + 4, strlen(v + 4) + 1);
	n = strlen(v);
	if (n > 1 && v[n - 1] == '.')
		v[n - 1] = '\0';
	return v;
}

static void
rp_edge_add(struct rp_state *st, char *name)
{
	struct strvec *sv = &st->f->edge_fqdns;
	struct rp_slot *hit;

	if (*name == '\0') {
		free(name);
		return;
	}
	if ((hit = rp_set_find(&st->edges, name)) != NULL) {
		if (!hit->warned)
			rp_warn(st, W_DUP_EDGE, name);
		hit->warned = 1;
		free(name);
		return;
	}
	if (sv->n >= st->edge_cap) {	/* too many already: drop */
		free(name);
		return;
	}
	sv_push_owned(sv, name);
	rp_set_put(&st->edges, name, sv->n - 1);
}

static void
rp_on_edge(struct rp_state *st, const char *s, const char *e)
{
	const char *is, *ie;

	while (s < e) {
		s = rp_item(s, e, ",; \t", &is, &ie);
		if (is < ie && !rp_autolink_at(is, ie))
			rp_edge_add(st, rp_host(is, ie));
	}
}

/* An address as written, or NULL; bounded so a huge line costs nothing. */
static char *
rp_address(const char *s, const char *e)
{
	char *tmp, *a;

	if ((size_t)(e - s) > ADDR_MAX_WRITTEN)
		return NULL;
	tmp = xstrndup(s, (size_t)(e - s));
	a = addr_parse(tmp);
	free(tmp);
	return a;
}

/* A contact: its addr-spec, or the text as written (bad-contact). */
static char *
rp_contact(const char *s, const char *e)
{
	char *a = rp_address(s, e);

	return a ? a : rp_clean(s, e, RP_VALUE_MAX);
}

/* Gives contact (taken, may be NULL) to SIP domain idx; a domain keeps
 * its first contact. */
static void
rp_sip_contact(struct rp_state *st, size_t idx, char *contact)
{
	struct sip_domain *d = &st->f->sip[idx];

	if (contact == NULL)
		return;
	if (d->contact == NULL) {
		d->contact = contact;
		return;
	}
	if (strcmp(d->contact, contact) != 0)
		rp_warn(st, W_CONTACT_EXTRA, contact);
	free(contact);
}

static void
rp_sip_add(struct rp_state *st, char *domain, char *contact)
{
	struct request_form *f = st->f;
	struct rp_slot *hit = rp_set_find(&st->sips, domain);

	if (hit) {
		if (!hit->warned)
			rp_warn(st, W_DUP_SIP, domain);
		hit->warned = 1;
		free(domain);
	} else if (f->n_sip >= st->sip_cap || *domain == '\0') {
		free(domain);
		free(contact);
		return;
	} else {
		if (f->n_sip == st->sip_alloc) {
			st->sip_alloc = st->sip_alloc ? st->sip_alloc * 2 : 8;
			f->sip = xrealloc(f->sip, st->sip_alloc *
			    sizeof(*f->sip));
		}
		f->sip[f->n_sip].domain = domain;
		f->sip[f->n_sip].contact = NULL;
		hit = rp_set_put(&st->sips, domain, f->n_sip++);
	}
	rp_sip_contact(st, hit->idx, contact);
	/* Remember the line's domains for a Contact line below it, each
	 * once however often the line names it. */
	if (hit->line == st->sip_line)
		return;
	hit->line = st->sip_line;
	if (st->n_line_sip == st->line_sip_alloc) {
		st->line_sip_alloc = st->line_sip_alloc ?
		    st->line_sip_alloc * 2 : 8;
		st->line_sip = xrealloc(st->line_sip, st->line_sip_alloc *
		    sizeof(*st->line_sip));
	}
	st->line_sip[st->n_line_sip++] = hit->idx;
}

/* "contoso.com", "contoso.com <admin@contoso.com>", "contoso.com
 * admin@contoso.com", Outlook's "contoso.com<http://contoso.com>". */
static void
rp_sip_item(struct rp_state *st, const char *s, const char *e)
{
	const char *t = s, *r, *gt;
	char *contact = NULL;

	while (t < e && *t != '<' && utf8_blank(t, e) == 0)
		t++;
	r = t;
	if (r < e && rp_autolink_at(r, e)) {
		gt = memchr(r, '>', (size_t)(e - r));
		r = gt ? gt + 1 : e;
	}
	utf8_trim(&r, &e);
	while (r < e && (*r == '-' || *r == ':' || *r == '('))
		r++;
	if (r < e && e[-1] == ')')
		e--;
	utf8_trim(&r, &e);
	if (r < e)
		contact = rp_contact(r, e);
	rp_sip_add(st, rp_host(s, t), contact);
}

static void
rp_on_sip(struct rp_state *st, const char *s, const char *e)
{
	const char *is, *ie;

	st->sip_line++;
	st->n_line_sip = 0;
	while (s < e) {
		s = rp_item(s, e, ",;", &is, &ie);
		if (is < ie)
			rp_sip_item(st, is, ie);
	}
}

/* A Contact line belongs to the SIP-Domain line just above it (SPEC 1). */
static void
rp_on_contact(struct rp_state *st, const char *s, const char *e)
{
	char *c = rp_contact(s, e);

	if (st->sip_line == 0)
		rp_warn(st, W_CONTACT_ORPHAN, c);
	for (size_t i = 0; i < st->n_line_sip; i++)
		rp_sip_contact(st, st->line_sip[i], xstrdup(c));
	free(c);
}

static void
rp_on_networks(struct rp_state *st, const char *s, const char *e)
{
	struct strvec *sv = &st->f->networks;
	const struct rp_word *w;
	const char *is, *ie;
	char key[RP_KEY_MAX], *v;

	while (s < e && sv->n < RP_NET_MAX) {
		s = rp_item(s, e, ",;/", &is, &ie);
		if (is == ie)
			continue;
		if ((w = rp_word_find(rp_networks, is, ie)) != NULL)
			v = xstrdup(w->canon);
		else if (rp_fold(is, ie, key, sizeof(key)))
			v = rp_clean(key, key + strlen(key), RP_SHORT_MAX);
		else
			v = rp_clean(is, ie, RP_SHORT_MAX);
		if (sv_contains(sv, v))
			free(v);
		else
			sv_push_owned(sv, v);
	}
}

static const rp_handler rp_handlers[F_MAX] = {
	[F_ACTION] = rp_on_action,
	[F_AGR_TYPE] = rp_on_agreement_type,
	[F_AGR_NUM] = rp_on_agreement_number,
	[F_DEPLOYMENT] = rp_on_deployment,
	[F_EDGE] = rp_on_edge,
	[F_SIP] = rp_on_sip,
	[F_CONTACT] = rp_on_contact,
	[F_NETWORKS] = rp_on_networks,
	[F_ONLINE_EXT] = rp_on_online_ext,
	[F_LANGUAGE] = rp_on_language,
};

/* ---- lines ------------------------------------------------------------ */

/* Attribution lines of quoted replies: a head, and a tail compared as
 * rp_letters leaves it ("a écrit :" and "a ecrit:" are both "aecrit:"). */
static const struct {
	const char	*head;
	const char	*tail;
} rp_attributions[] = {
	{ "on ", "wrote:" },
	{ "le ", "aecrit:" },
};

/* Outlook's separators, letters only: "-----Original Message-----". */
static const char *const rp_separators[] = {
	"originalmessage", "messagedorigine",
};

static int
rp_tail_is(const char *s, const char *e, const char *tail)
{
	char buf[64];
	size_t n;

	if (e - s > 40)		/* enough for "a écrit :" and blanks */
		s = e - 40;
	while (s < e && ((unsigned char)*s & 0xc0) == 0x80)
		s++;
	if (!rp_letters(s, e, 1, buf, sizeof(buf)))
		return 0;
	n = strlen(buf);
	return n >= strlen(tail) && strcmp(buf + n - strlen(tail), tail) == 0;
}

/* "On Mon, 3 Feb 2025, Marie <m@x> wrote:", which Gmail may wrap so that
 * "wrote:" ends the next line. le is the raw end of the line. */
static int
rp_is_attribution(const char *s, const char *e, const char *le,
    const char *end)
{
	const char *ns, *ne;
	size_t hn;

	for (size_t i = 0; i < sizeof(rp_attributions) /
	    sizeof(*rp_attributions); i++) {
		hn = strlen(rp_attributions[i].head);
		if ((size_t)(e - s) <= hn ||
		    strncasecmp(s, rp_attributions[i].head, hn) != 0)
			continue;
		if (rp_tail_is(s, e, rp_attributions[i].tail))
			return 1;
		if (le >= end)
			continue;
		ns = le + 1;
		ne = memchr(ns, '\n', (size_t)(end - ns));
		ne = ne ? ne : end;
		utf8_trim(&ns, &ne);
		if (rp_tail_is(ns, ne, rp_attributions[i].tail))
			return 1;
	}
	return 0;
}

static int
rp_is_separator(const char *s, const char *e)
{
	char buf[RP_NAME_MAX];

	if (e - s < 2 || s[0] != '-' || s[1] != '-' ||
	    !rp_letters(s, e, 0, buf, sizeof(buf)))
		return 0;
	for (size_t i = 0; i < sizeof(rp_separators) / sizeof(*rp_separators);
	    i++)
		if (strcmp(buf, rp_separators[i]) == 0)
			return 1;
	return 0;
}

/* Splits "Name: value" with a name of at most RP_NAME_MAX bytes, Outlook's
 * bold "*Name:* value" tolerated. 0 if the line is no "Name:" line. */
static int
rp_split(const char *s, const char *e, const char **ns, const char **ne,
    const char **vs, const char **ve)
{
	const char *colon;
	int bold;

	colon = memchr(s, ':', (size_t)(e - s) < RP_NAME_MAX ?
	    (size_t)(e - s) : RP_NAME_MAX);
	if (colon == NULL)
		return 0;
	*ns = s;
	*ne = colon;
	bold = **ns == '*';
	while (*ns < *ne && **ns == '*')
		(*ns)++;
	utf8_trim(ns, ne);
	if (*ne > *ns && (*ne)[-1] == '*')
		bold = 0;	/* "*Name:*": the bold closes in the name */
	while (*ne > *ns && (*ne)[-1] == '*')
		(*ne)--;
	utf8_trim(ns, ne);
	*vs = colon + 1;
	*ve = e;
	utf8_trim(vs, ve);
	while (*vs < *ve && **vs == '*')
		(*vs)++;
	while (bold && *ve > *vs && (*ve)[-1] == '*')
		(*ve)--;
	utf8_trim(vs, ve);
	return *ns < *ne;
}

static const struct rp_name *
rp_name_find(const char *s, const char *e)
{
	char key[RP_KEY_MAX];

	if (!rp_fold(s, e, key, sizeof(key)))
		return NULL;
	for (size_t i = 0; i < sizeof(rp_names) / sizeof(*rp_names); i++)
		if (strcmp(rp_names[i].name, key) == 0)
			return &rp_names[i];
	return NULL;
}

/* One line [s, le); returns 1 where the request ends (signature, quoted
 * reply). */
static int
rp_line(struct rp_state *st, const char *s, const char *le,
    const char *end)
{
	const char *e = le, *ns, *ne, *vs, *ve;
	const struct rp_name *nm;
	size_t k;

	while (e > s && (k = utf8_blank_end(s, e)) > 0)
		e -= k;
	if (e - s == 2 && s[0] == '-' && s[1] == '-')
		return 1;			/* "-- " signature */
	while (s < e && (k = utf8_blank(s, e)) > 0)
		s += k;
	if (s == e || *s == '>')
		return 0;			/* blank, or quoted */
	if (rp_is_separator(s, e) || rp_is_attribution(s, e, le, end))
		return 1;
	if (!rp_split(s, e, &ns, &ne, &vs, &ve) ||
	    (nm = rp_name_find(ns, ne)) == NULL)
		return 0;
	if (nm->fid == F_CUT)
		return 1;
	if (vs == ve)
		return 0;			/* a blank form line */
	if (st->f->n_fields < INT_MAX)
		st->f->n_fields++;
	st->votes[nm->lang]++;
	if (st->first_lang == L_ANY)
		st->first_lang = nm->lang;
	rp_handlers[nm->fid](st, vs, ve);
	return 0;
}

/* ---- the whole text --------------------------------------------------- */

static size_t
rp_list_cap(int max, int fallback)
{
	size_t m = max > 0 ? (size_t)max : (size_t)fallback;

	return m * RP_LIST_FACTOR + 1;
}

static const char *
rp_resolve_language(struct rp_state *st, const char *content_language)
{
	static const char *const by_vote[] = { NULL, "en", "fr" };
	const char *s, *e, *code;
	struct request_form *f = st->f;

	f->lang_from_fields = st->votes[L_FR] > st->votes[L_EN] ? L_FR :
	    st->votes[L_EN] > st->votes[L_FR] ? L_EN : (int)st->first_lang;
	if (st->lang_field)
		return st->lang_field;
	if (f->lang_from_fields != L_ANY)
		return by_vote[f->lang_from_fields];
	/* "de, fr": the first tag we can write in */
	for (s = content_language; s && *s; s = *e ? e + 1 : e) {
		e = strchr(s, ',');
		e = e ? e : s + strlen(s);
		if ((code = rp_language_code(st->p, s, e)) != NULL)
			return code;
	}
	s = st->p->default_language;
	if (s && (code = rp_language_code(st->p, s,
	    s + strlen(s))) != NULL)
		return code;
	return "en";
}

void
request_parse(const char *text, const char *content_language,
    const struct policy *p, struct request_form *f)
{
	struct policy defaults;
	struct rp_state st;
	const char *s = text ? text : "", *end, *nl;

	memset(f, 0, sizeof(*f));
	memset(&st, 0, sizeof(st));
	memset(&defaults, 0, sizeof(defaults));
	if (p == NULL) {
		policy_defaults(&defaults);
		st.p = &defaults;
	} else
		st.p = p;
	st.f = f;
	st.edge_cap = rp_list_cap(st.p->max_edge_fqdns, 10);
	st.sip_cap = rp_list_cap(st.p->max_sip_domains, 100);
	end = s + strlen(s);
	for (; s < end; s = nl ? nl + 1 : end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (rp_line(&st, s, nl ? nl : end, end))
			break;
	}
	f->language = xstrdup(rp_resolve_language(&st, content_language));
	rp_warn_render(&st);
	request_check_syntax(f, st.p);

	for (size_t i = 0; i < st.n_warn; i++)
		free(st.warn[i].detail);
	free(st.edges.slot);
	free(st.sips.slot);
	free(st.line_sip);
	free(st.action_val);
	free(st.lang_field);
	if (p == NULL)
		policy_free(&defaults);
}
