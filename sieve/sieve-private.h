/*
 * sieve-private.h (internal): the engine's AST, its extension API and its
 * run-time API.  Everything in sieve/ but message.c and friends sees this.
 *
 * ---- Guide for extension writers ------------------------------------
 *
 * 1. An extension is one `const struct sieve_extension_def` in its own
 *    ext_<name>.c, listed ONCE in the table in extensions.c (and declared
 *    extern at the bottom of this header).  It lists what it brings:
 *    commands/tests (commands[]), tags it adds to other extensions'
 *    commands (tags[], e.g. :copy on "fileinto"), match types, comparators,
 *    address parts and `set` modifiers.  Nothing is visible to a script
 *    until the script says `require "<name>"` (or ihave).
 *
 * 2. A command or test is a `const struct sieve_command_def`: its name,
 *    kind (SIEVE_CMD / SIEVE_TEST), flags, the types of its positional
 *    arguments (pos[]), its own tags (tags[], {NULL} terminated),
 *    validate() and execute().  The generic validator already checked:
 *    the tags exist and carry a parameter of the declared type, no tag
 *    repeats, tags sharing an `exclusive` group do not appear together,
 *    the positional count and types, the tests / block shape (flags), and
 *    for SV_F_MATCH commands the :comparator and match type (node->match;
 *    the key list is the LAST positional argument) and for SV_F_ADDRPART
 *    the address part.  validate() adds command-specific checks and may
 *    attach compiled data to node->data (allocate it from
 *    sieve_validator_arena(); register a destructor with
 *    sieve_validator_on_free() for things like pcre2 code).  Report with
 *    sieve_node_error()/sieve_arg_error(); return -1 after an error.
 *
 * 3. execute() gets the run and the (const) node.  Read arguments with
 *    sieve_node_arg(node, i) (positional) and sieve_node_tag()/
 *    sieve_node_tag_param() (tags); turn them into values with
 *    sieve_run_string() / sieve_run_strlist() (variables expanded, storage
 *    in the run arena) or arg->number.  Tests return 1 (true), 0 (false)
 *    or -1 (run-time error, reported with sieve_runtime_error()); commands
 *    return 0 or -1.  Match a list of values against the node's keys with
 *    sieve_match() (handles comparator, match type, relational, regex and
 *    match variables).  Add actions with sieve_result_add(): it applies
 *    RFC 5228 4.x duplicate rules and the per-type conflict rules
 *    (reject vs vacation etc.) and the limits; record duplicate marks with
 *    sieve_result_add_duplicate().  The message is run->msg (message.h),
 *    the envelope run->env, callbacks run->cb, config run->cfg.
 *    Per-run extension state: sieve_run_context(run, &ext_x) returns a
 *    void ** slot (NULL at start; allocate from run->arena).
 *
 * 4. Hooks: extension->on_require() runs when the script requires it
 *    (e.g. to reject a combination); implies[] names extensions that are
 *    enabled along with it (vacation-seconds -> vacation).
 */
#ifndef SIEVE_SIEVE_PRIVATE_H
#define SIEVE_SIEVE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sieve-limits.h"
#include "message.h"
#include "sieve.h"
#include "util.h"

struct sieve_validator;
struct sieve_run;
struct sieve_extension_def;

/* ---- AST -------------------------------------------------------------- */

/* A string literal after encoded-character decoding.  vars: contains "${"
 * and the script uses variables, so expand at run time. */
struct sv_string {
	const char *s;
	size_t len;
	bool vars;
};

enum sv_arg_kind { SV_ARG_NUMBER, SV_ARG_STRING, SV_ARG_STRLIST, SV_ARG_TAG };

struct sv_arg {
	enum sv_arg_kind kind;
	unsigned line, col;
	unsigned long long number;	/* SV_ARG_NUMBER */
	struct sv_string *list;		/* SV_ARG_STRING (n == 1), STRLIST */
	size_t n;
	const char *tag;		/* SV_ARG_TAG: lowercase, no ':' */
	void *data;			/* validator-attached (per-string data) */
};

/* A tag found on a node: its def, the tag token and its parameter. */
struct sv_tagval {
	const struct sieve_tag_def *def;
	const struct sv_arg *tag;
	const struct sv_arg *param;	/* NULL when the tag takes none */
};

/* Comparator, match type and address part of a matching test. */
struct sv_match {
	const struct sieve_match_def *type;
	const struct sieve_comparator_def *cmp;
	const struct sieve_addrpart_def *part;	/* SV_F_ADDRPART only */
	const char *relop;		/* :count/:value operator, lowercase */
	const struct sv_arg *keys;	/* the key list */
	void **compiled;		/* per key (regex), or NULL */
	unsigned line, col;		/* of the match-type tag, or node */
};

struct sv_node {
	const char *name;		/* lowercase identifier */
	unsigned line, col;
	struct sv_arg *args;
	size_t nargs;
	struct sv_node **tests;
	size_t ntests;
	bool test_list;			/* tests came in ( ... ) */
	struct sv_node **block;
	size_t nblock;
	bool has_block;
	/* filled by validation */
	const struct sieve_command_def *def;
	const struct sieve_extension_def *ext;
	struct sv_tagval *tags;
	size_t ntags;
	const struct sv_arg **pos;
	size_t npos;
	struct sv_match *match;
	void *data;
};

/* ---- definitions ------------------------------------------------------- */

enum sieve_cmd_kind { SIEVE_CMD, SIEVE_TEST };

enum sieve_argtype {
	SV_A_NONE = 0,
	SV_A_NUMBER,
	SV_A_STRING,		/* exactly one string */
	SV_A_STRLIST,		/* string or string list */
};

/* command flags */
#define SV_F_MATCH	0x01	/* takes :comparator and a match type */
#define SV_F_ADDRPART	0x02	/* takes an address part */
#define SV_F_BLOCK	0x04	/* requires a { block } */
#define SV_F_TEST1	0x08	/* requires exactly one test */
#define SV_F_TESTS	0x10	/* requires a test list ( ... ) */
#define SV_F_IF		0x20	/* if: starts a chain */
#define SV_F_ELSE	0x40	/* elsif/else: continues a chain */
#define SV_F_REQUIRE	0x80	/* require: only at the top */
#define SV_F_BLOCK_OPT	0x100	/* block allowed, not required */
#define SV_F_MODIFIERS	0x200	/* takes `set` modifiers as tags */
#define SV_F_OPT_FIRST	0x400	/* the first positional may be omitted */

struct sieve_tag_def {
	const char *name;		/* without ':', lowercase */
	enum sieve_argtype param;	/* SV_A_NONE: takes no parameter */
	const char *exclusive;		/* group: at most one of it */
};

struct sieve_command_def {
	const char *name;
	enum sieve_cmd_kind kind;
	unsigned flags;
	enum sieve_argtype pos[4];	/* positional args, SV_A_NONE ends */
	const struct sieve_tag_def *tags; /* { NULL } terminated, or NULL */
	int (*validate)(struct sieve_validator *v, struct sv_node *node);
	int (*execute)(struct sieve_run *run, const struct sv_node *node);
};

/* A tag an extension adds to a command of another extension. */
struct sieve_tag_ext {
	const char *command;
	struct sieve_tag_def tag;
};

struct sieve_comparator_def {
	const char *name;		/* "i;octet" */
	bool substring;			/* supports :contains/:matches/:regex */
	/* order: <0, 0, >0 */
	int (*compare)(const char *a, size_t alen, const char *b, size_t blen);
	/* character equality for substring matching; NULL if !substring */
	bool (*char_eq)(unsigned char a, unsigned char b);
};

struct sieve_match_def {
	const char *name;		/* "is", "contains", "count" */
	enum sieve_argtype param;	/* :count/:value take SV_A_STRING */
	bool substring;			/* comparator must support substrings */
	bool count;			/* compare the number of values */
	/* compile-time check of the keys (regex: compile constants) */
	int (*validate)(struct sieve_validator *v, struct sv_node *node,
			struct sv_match *m);
	/* 1 match, 0 no, -1 run-time error; key index ki for compiled data */
	int (*match)(struct sieve_run *run, const struct sv_match *m,
		     const char *val, size_t vlen, const char *key,
		     size_t klen, size_t ki);
};

struct sieve_addrpart_def {
	const char *name;		/* "localpart" */
	/* the part of an address, or NULL when it has none */
	const char *(*extract)(struct sieve_run *run,
			       const struct sieve_address *a);
};

struct sieve_modifier_def {
	const char *name;		/* "lower" */
	unsigned precedence;		/* RFC 5229 4.1 */
	/* transform in (len bytes); result in the run arena */
	char *(*apply)(struct sieve_run *run, const char *in, size_t len,
		       size_t *len_r);
};

struct sieve_extension_def {
	const char *name;		/* capability string */
	const struct sieve_command_def *const *commands;
	const struct sieve_tag_ext *tags;	/* { NULL } terminated */
	const struct sieve_match_def *const *matches;
	const struct sieve_comparator_def *const *comparators;
	const struct sieve_addrpart_def *const *addrparts;
	const struct sieve_modifier_def *const *modifiers;
	const char *const *implies;
	int (*on_require)(struct sieve_validator *v, const struct sv_node *req);
	/* Checks every command/test node after its own validate() while
	 * the extension is enabled (e.g. index: :last needs :index). */
	int (*validate_node)(struct sieve_validator *v, struct sv_node *node);
	bool hidden;			/* not advertised (testsuite) */
	bool not_ihave;			/* cannot be required by ihave */
};

/* The registry (extensions.c): core first, NULL terminated. */
extern const struct sieve_extension_def *const sieve_extensions[];
const struct sieve_extension_def *sieve_extension_find(const char *name);
size_t sieve_extension_index(const struct sieve_extension_def *ext);
#define SIEVE_MAX_EXTENSIONS 64

/* ---- diagnostics ------------------------------------------------------- */

struct sieve_diag {
	bool warning;
	unsigned line, col;
	char *text;			/* bare message, no prefix */
};
struct sieve_diags {
	struct sieve_diag *v;
	size_t n, cap;
	unsigned nerrors, nwarnings;
	bool parse_failed;		/* vs validation failed */
	bool truncated;
};
void sieve_diags_add(struct sieve_diags *d, bool warning, unsigned line,
		     unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* "name:line:col: error: text\n" lines, caller frees (NULL if none). */
char *sieve_diags_format(const struct sieve_diags *d, const char *name);
void sieve_diags_free(struct sieve_diags *d);

/*
 * Full compile entry for harnesses (conformance runner, siren check):
 * extra, if not NULL, is a NULL-terminated list of additional extensions
 * (the testsuite).  Every diagnostic lands in *d (caller frees with
 * sieve_diags_free).  NULL on failure.
 */
struct sieve_script *sieve_compile_diags(const char *name, const char *text,
					 size_t len,
					 const struct sieve_config *cfg,
					 const struct sieve_extension_def
						 *const *extra,
					 struct sieve_diags *d);

/* ---- lexer and parser (lexer.c, parser.c) ------------------------------ */

enum sv_tok {
	SV_T_EOF, SV_T_ERROR, SV_T_IDENT, SV_T_TAG, SV_T_NUMBER, SV_T_STRING,
	SV_T_LBRACKET, SV_T_RBRACKET, SV_T_LPAREN, SV_T_RPAREN,
	SV_T_LBRACE, SV_T_RBRACE, SV_T_COMMA, SV_T_SEMICOLON,
};
struct sv_lexer {
	const char *p, *end;
	unsigned line, col;
	struct sieve_diags *diags;
	struct sv_arena *arena;
	/* current token */
	enum sv_tok tok;
	unsigned tline, tcol;
	const char *text;		/* IDENT/TAG (lowercase), STRING */
	size_t len;
	unsigned long long number;
};
void sv_lexer_init(struct sv_lexer *lx, const char *text, size_t len,
		   struct sv_arena *arena, struct sieve_diags *d);
enum sv_tok sv_lex(struct sv_lexer *lx);
const char *sv_tok_name(enum sv_tok t);

/* Parse into a top-level block.  Returns false after syntax errors. */
bool sieve_parse(const char *text, size_t len, struct sv_arena *arena,
		 unsigned max_nesting, struct sieve_diags *d,
		 struct sv_node ***nodes_r, size_t *n_r);

/* ---- the compiled script ------------------------------------------------ */

struct sv_cleanup {
	void (*fn)(void *);
	void *ptr;
	struct sv_cleanup *next;
};
struct sieve_script {
	struct sv_arena *arena;
	char *name;
	struct sieve_config cfg;
	struct sv_node **nodes;
	size_t nnodes;
	bool enabled[SIEVE_MAX_EXTENSIONS];
	const struct sieve_extension_def *exts[SIEVE_MAX_EXTENSIONS];
	size_t nexts;			/* registry + extra */
	struct sv_cleanup *cleanups;
};

/* ---- validator API (validate.c) ----------------------------------------- */

struct sieve_validator {
	struct sieve_script *script;
	struct sieve_diags *diags;
	bool seen_command;		/* a non-require command was seen */
	bool skip_block;		/* ihave: a capability is missing */
	unsigned depth;
	void *ext_ctx[SIEVE_MAX_EXTENSIONS];
};
bool sieve_validate(struct sieve_validator *v);
void sieve_node_error(struct sieve_validator *v, const struct sv_node *node,
		      const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void sieve_node_warning(struct sieve_validator *v, const struct sv_node *node,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sieve_arg_error(struct sieve_validator *v, const struct sv_arg *arg,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool sieve_validator_ext_enabled(struct sieve_validator *v, const char *name);
int sieve_validator_require(struct sieve_validator *v, const char *name,
			    const struct sv_node *where);
struct sv_arena *sieve_validator_arena(struct sieve_validator *v);
const struct sieve_config *sieve_validator_config(struct sieve_validator *v);
void sieve_validator_on_free(struct sieve_validator *v, void (*fn)(void *),
			     void *ptr);
void **sieve_validator_context(struct sieve_validator *v,
			       const struct sieve_extension_def *ext);
/* true when the argument has no variable references */
bool sieve_arg_is_constant(const struct sv_arg *arg);
/* "a string", "a string list", "a number", "a tag" */
const char *sieve_arg_describe(const struct sv_arg *arg);
const char *sieve_node_kind(const struct sv_node *node); /* command/test */
/* RFC 5322-ish mailbox check for constant redirect/vacation addresses */
bool sieve_address_valid(const char *s);
/* A mailbox in RFC 5322 form ("Name <a@b>", CFWS allowed) reduced to its
 * addr-spec, or NULL when it is not exactly one valid mailbox; caller
 * frees. */
char *sieve_address_normalize(const char *s);
bool sieve_utf8_valid(const char *s, size_t len);

/* ---- node accessors (validate.c) ---------------------------------------- */

const struct sv_arg *sieve_node_arg(const struct sv_node *node, size_t i);
bool sieve_node_tag(const struct sv_node *node, const char *name);
const struct sv_arg *sieve_node_tag_param(const struct sv_node *node,
					  const char *name);
/* tag of a group that was used ("days" or "seconds"), or NULL */
const struct sv_tagval *sieve_node_tag_group(const struct sv_node *node,
					     const char *group);

/* ---- run-time API (interp.c, variables.c, match.c, result.c) ----------- */

struct sieve_variable {
	char *name;			/* lowercase */
	char *value;
	size_t len;
};
struct sieve_run {
	const struct sieve_script *script;
	const struct sieve_config *cfg;
	struct sieve_message *msg;
	const struct sieve_envelope *env;
	const struct sieve_callbacks *cb;
	struct sv_arena *arena;
	struct sieve_result *result;
	bool stopped, failed, tracing;
	struct timespec start;
	unsigned ticks;
	/* variables (RFC 5229) */
	struct sieve_variable *vars;
	size_t nvars, capvars;
	char *match_vars[SIEVE_MATCH_VARS];
	size_t match_lens[SIEVE_MATCH_VARS];
	size_t nmatch;
	/* captures of the match in progress (match.c commits them) */
	const char *cap_vals[SIEVE_MATCH_VARS];
	size_t cap_lens[SIEVE_MATCH_VARS];
	size_t ncap;
	bool cap_set;
	void *ext_ctx[SIEVE_MAX_EXTENSIONS];
};

int sieve_runtime_error(struct sieve_run *run, const struct sv_node *node,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An error that does not stop the run (Pigeonhole reports, e.g., a bad
 * regex built from variables this way): logged with the errors. */
void sieve_runtime_note(struct sieve_run *run, const struct sv_node *node,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sieve_run_trace(struct sieve_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* -1 (error reported) when the configured CPU time is used up */
int sieve_run_check_time(struct sieve_run *run, const struct sv_node *node);
void **sieve_run_context(struct sieve_run *run,
			 const struct sieve_extension_def *ext);
bool sieve_run_ext_enabled(const struct sieve_run *run, const char *name);
/* Execute a block / evaluate a test (interp.c). */
int sieve_run_block(struct sieve_run *run, struct sv_node *const *nodes,
		    size_t n);
int sieve_run_test(struct sieve_run *run, const struct sv_node *test);

/* Values of arguments, variables expanded, in the run arena. */
const char *sieve_run_string(struct sieve_run *run, const struct sv_arg *arg,
			     size_t *len_r);
size_t sieve_run_strlist(struct sieve_run *run, const struct sv_arg *arg,
			 const char ***list_r, size_t **lens_r);
char *sieve_expand(struct sieve_run *run, const struct sv_string *s,
		   size_t *len_r);

/* variables.c */
const char *sieve_variable_get(struct sieve_run *run, const char *name,
			       size_t *len_r);
int sieve_variable_set(struct sieve_run *run, const struct sv_node *node,
		       const char *name, const char *value, size_t len);
void sieve_match_vars_set(struct sieve_run *run, const char *const *vals,
			  const size_t *lens, size_t n);
/* Compile-time check of the ${...} references in s (ext_variables.c):
 * unknown namespaces and match indexes beyond the limit are errors. */
bool sieve_variables_check_refs(struct sieve_validator *v,
				const struct sv_arg *arg,
				const struct sv_string *s);
/* len cut to at most max bytes at a UTF-8 character boundary */
size_t sieve_truncate_utf8(const char *s, size_t len, size_t max);
/* checks a variable name "a_b" or "ns.a" (RFC 5229 3) */
bool sieve_variable_name_valid(const char *name, size_t len);

/*
 * match.c: match values against node->match's keys (variables expanded).
 * Sets match variables on success unless no_vars.  1 / 0 / -1.
 */
int sieve_match(struct sieve_run *run, const struct sv_node *node,
		const char *const *values, const size_t *lens, size_t n);
int sieve_match_ex(struct sieve_run *run, const struct sv_node *node,
		   const struct sv_match *m, const char *const *values,
		   const size_t *lens, size_t n, bool no_vars);
/* Same with keys given (already expanded); compiled regexes unused. */
int sieve_match_keys(struct sieve_run *run, const struct sv_node *node,
		     const struct sv_match *m, const char *const *values,
		     const size_t *lens, size_t n, const char **keys,
		     const size_t *klens, size_t nkeys, bool no_vars);
/* :index n [:last] (RFC 5260 index) applied to a value array, in place */
size_t sieve_index_filter(const struct sv_node *node, const char **values,
			  size_t *lens, size_t n);
/* relational operators (RFC 5231) */
bool sieve_relop_valid(const char *op);
bool sieve_relop_holds(const char *op, int cmp);

/* result.c */
int sieve_result_add(struct sieve_run *run, const struct sv_node *node,
		     const struct sieve_action *act);
/* A vacation whose reply RFC 5230 4.5/4.6 rules suppressed: adds no
 * action but still conflicts with reject/ereject and a second vacation. */
int sieve_result_add_suppressed_vacation(struct sieve_run *run,
					 const struct sv_node *node);
void sieve_result_add_duplicate(struct sieve_run *run, const char *handle,
				const char *id, unsigned long seconds);
struct sieve_result *sieve_result_new(void);
struct sv_arena *sieve_result_arena(struct sieve_result *res);
void sieve_result_error(struct sieve_result *res, const char *line);
void sieve_result_trace_line(struct sieve_result *res, const char *line);
/*
 * Harnesses: run script adding its actions to an existing result, as one
 * script of a multi-script delivery: no implicit keep is added and the
 * result is left as the run built it (also after a run-time error, whose
 * text lands in the result's errors).  cfg, when not NULL, replaces the
 * limits the script was compiled with (a harness's reloaded settings).
 * The implicit keep's imap4flags flags are returned in the result's
 * arena.  0, or -1 on a run-time error.
 */
int sieve_execute_into(const struct sieve_script *script,
		       struct sieve_message *msg,
		       const struct sieve_envelope *env,
		       const struct sieve_callbacks *cb,
		       struct sieve_result *res,
		       const struct sieve_config *cfg,
		       const char ***keep_flags_r, size_t *nkeep_flags_r);
/* Finish: add the implicit keep (with flags) or, on error, reset to it. */
void sieve_result_finish(struct sieve_run *run, bool failed,
			 const char *const *keep_flags, size_t nkeep_flags);
bool sieve_result_keep_cancelled(const struct sieve_result *res);
/* true when the run ended with a run-time error */
bool sieve_result_failed(const struct sieve_result *res);
/* Drop every action (test harnesses): actions, duplicate marks, keep
 * state, counters; the error text and the arena stay. */
void sieve_result_reset(struct sieve_result *res);

/* imap4flags (ext_imap4flags.c): the internal flags for implicit keep */
size_t sieve_imap4flags_internal(struct sieve_run *run,
				 const char ***flags_r);

/* Sieve quoting of a string for diagnostics and sieve_action_format */
void sieve_quote(struct sv_str *out, const char *s);

/* ---- the extensions ----------------------------------------------------- */

extern const struct sieve_extension_def sieve_ext_core;
extern const struct sieve_extension_def sieve_ext_fileinto;
extern const struct sieve_extension_def sieve_ext_envelope;
extern const struct sieve_extension_def sieve_ext_encoded_character;
extern const struct sieve_extension_def sieve_ext_copy;
extern const struct sieve_extension_def sieve_ext_reject;
extern const struct sieve_extension_def sieve_ext_ereject;
extern const struct sieve_extension_def sieve_ext_variables;
extern const struct sieve_extension_def sieve_ext_relational;
extern const struct sieve_extension_def sieve_ext_body;
extern const struct sieve_extension_def sieve_ext_comparator_numeric;
extern const struct sieve_extension_def sieve_ext_subaddress;
extern const struct sieve_extension_def sieve_ext_imap4flags;
extern const struct sieve_extension_def sieve_ext_regex;
extern const struct sieve_extension_def sieve_ext_mailbox;
extern const struct sieve_extension_def sieve_ext_ihave;
extern const struct sieve_extension_def sieve_ext_environment;
extern const struct sieve_extension_def sieve_ext_enotify;
extern const struct sieve_extension_def sieve_ext_vacation;
extern const struct sieve_extension_def sieve_ext_vacation_seconds;
extern const struct sieve_extension_def sieve_ext_duplicate;
extern const struct sieve_extension_def sieve_ext_date;
extern const struct sieve_extension_def sieve_ext_index;

/* core pieces shared between files */
extern const struct sieve_comparator_def sieve_cmp_octet;
extern const struct sieve_comparator_def sieve_cmp_ascii_casemap;
extern const struct sieve_comparator_def sieve_cmp_ascii_numeric;
extern const struct sieve_match_def sieve_mcht_is;
extern const struct sieve_match_def sieve_mcht_contains;
extern const struct sieve_match_def sieve_mcht_matches;
extern const struct sieve_match_def sieve_mcht_count;
extern const struct sieve_match_def sieve_mcht_value;
extern const struct sieve_match_def sieve_mcht_regex;
extern const struct sieve_addrpart_def sieve_addrpart_all;
extern const struct sieve_addrpart_def sieve_addrpart_localpart;
extern const struct sieve_addrpart_def sieve_addrpart_domain;
extern const struct sieve_addrpart_def sieve_addrpart_user;
extern const struct sieve_addrpart_def sieve_addrpart_detail;

#endif
