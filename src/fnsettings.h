/*
 * fnsettings.h - the table of function settings: one row for each setting
 * lambda.yml gives Lambda, saying what the manifest and the API call it,
 * where it lives in struct manifest_fn and struct lambda_config, how it is
 * sent, read back and compared, and its default (or, for issue 15's
 * settings, that an unset one is not lambdactl's).  Everything walks it:
 * the defaults a function gets for what lambda.yml leaves unset
 * (fnset_defaults, manifest.c), CreateFunction's,
 * UpdateFunctionConfiguration's and UpdateFunctionCode's bodies and the
 * reading of a FunctionConfiguration (lambda-json.c), plan's comparison
 * (deploy_compare, deploy.c), and test-fnsettings, which checks that each
 * row round-trips, is what a manifest without its key gives, and is
 * documented.  Adding a setting: see the checklist atop manifest.h.
 */
#ifndef LC_FNSETTINGS_H
#define LC_FNSETTINGS_H

#include <stddef.h>

struct lambda_config;
struct manifest_fn;

enum fnset_type {
	FNSET_STRING,	/* char * */
	FNSET_LONG,	/* long */
	FNSET_LIST,	/* char **, and a size_t count */
	FNSET_MAP,	/* struct manifest_kv * sorted by key, and a count */
};

enum fnset_flags {
	/* Goes with the code (UpdateFunctionCode), not the configuration;
	 * compared when the code is. */
	FNSET_CODE = 1 << 0,
	/* Goes with CreateFunction only: never compared nor updated. */
	FNSET_CREATE_ONLY = 1 << 1,
	/* Left out of CreateFunction when the manifest does not set it (a
	 * NULL string, an empty list or map); updates still send it, empty,
	 * so that a removal takes effect. */
	FNSET_CREATE_OMIT_UNSET = 1 << 2,
	/* Sent and reported as a list of one (Architectures[0]). */
	FNSET_ONE_ITEM = 1 << 3,
	/* The value sent and compared is the role's ARN, when resolved. */
	FNSET_ROLE = 1 << 4,
	/* Lambda reports it for every function: a FunctionConfiguration
	 * without it is an odd answer, read as unknown (NULL, 0) rather than
	 * as the default, and plan shows it. */
	FNSET_REPORTED = 1 << 5,
	/* An unordered set of strings (subnets): lambda.yml's list is kept
	 * sorted by its reader, Lambda's answer is sorted when read, so that
	 * the order is no difference. */
	FNSET_SORTED = 1 << 6,
	/* Only with logging.format JSON (a log level): its default applies
	 * then; under Text, or with the format not set, it is unset,
	 * neither sent nor compared. */
	FNSET_JSON_LOGS = 1 << 7,
	/*
	 * Not lambdactl's until lambda.yml sets it (the function or the top
	 * level): unset, it is neither sent (CreateFunction leaves Lambda's
	 * default, an update what the function has) nor compared, and gets
	 * no default from fnset_defaults.  Removing it takes an explicit
	 * value (the row's def, or empty lists under fn_set).  The row's
	 * def remains what a FunctionConfiguration without the member
	 * means.  For a string or list row (fnset_unset), so that a
	 * lambda.yml written before the row was added changes nothing.
	 */
	FNSET_UNSET_UNMANAGED = 1 << 8,
	/* A published version's own (Description: PublishVersion's, not
	 * $LATEST's): not compared between a version and $LATEST. */
	FNSET_VERSION_OWN = 1 << 9,
};

/* Not in struct lambda_config: never read back. */
#define FNSET_NONE	((size_t)-1)

struct fnsetting {
	const char	*key;	/* in lambda.yml; plan's field name */
	/* The API member; '.' nests objects: "EphemeralStorage.Size". */
	const char	*api;
	enum fnset_type	 type;
	unsigned	 flags;
	/* Where it is in struct manifest_fn and in struct lambda_config
	 * (FNSET_NONE: not read back); a list's or map's count. */
	size_t		 fn_off, fn_count;
	size_t		 cfg_off, cfg_count;
	/*
	 * The default, the one place it is written: what a function gets
	 * when neither it nor the top level of lambda.yml sets the key
	 * (fnset_defaults; a FNSET_CREATE_OMIT_UNSET row stays unset, so
	 * that CreateFunction can leave it out), what is sent for it when
	 * unset, and what Lambda means when it reports nothing (but see
	 * FNSET_REPORTED).  A string with no default (def NULL) that the
	 * manifest leaves unset is Lambda's business: neither sent nor
	 * compared (handler, for provided.*).
	 */
	const char	*def;
	long		 ldef;
	long		 lo, hi;	/* FNSET_LONG: the range read back */
	/* FNSET_LIST: the member that holds each item in what Lambda
	 * reports ({"Arn": ...}), or NULL when the items are plain strings
	 * (SubnetIds); always sent as plain strings. */
	const char	*item;
	/* The int in struct manifest_fn that says lambda.yml wrote the key,
	 * even as an empty list or map (vpc_set, tags_set): set then, as
	 * when not empty; 0 (the offset of name, never such a flag) when
	 * the value alone says (NULL, 0, empty: unset). */
	size_t		 fn_set;
};

extern const struct fnsetting fnsettings[];
extern const size_t fnsettings_count;

/* The setting whose manifest key is key, or NULL. */
const struct fnsetting *fnset_find(const char *key);

/* The default of the FNSET_LONG setting key (dies for another key). */
long fnset_default_long(const char *key);

/*
 * Gives fn the table's default for each string or number setting it
 * leaves unset (NULL, 0), but FNSET_CREATE_OMIT_UNSET and
 * FNSET_UNSET_UNMANAGED ones (and FNSET_JSON_LOGS ones unless fn's logs
 * are JSON): the last step of reading lambda.yml, after the top level is
 * inherited.
 */
void fnset_defaults(struct manifest_fn *fn);

/*
 * The values of setting s in fn, defaults applied; role_arn (may be NULL)
 * stands for the role when given.  fnset_str is NULL for an unset string
 * with no default, an unset FNSET_UNSET_UNMANAGED one, and a
 * FNSET_JSON_LOGS one without JSON logs.  The lists and maps are
 * borrowed, their count in *n.
 */
const char *fnset_str(const struct fnsetting *s, const struct manifest_fn *fn,
    const char *role_arn);
long fnset_long(const struct fnsetting *s, const struct manifest_fn *fn);
char *const *fnset_list(const struct fnsetting *s,
    const struct manifest_fn *fn, size_t *n);
const struct manifest_kv *fnset_map(const struct fnsetting *s,
    const struct manifest_fn *fn, size_t *n);
/* Whether fn leaves s unset: a NULL string, 0, an empty list or map
 * (and, for a row with fn_set, that flag 0). */
int fnset_unset(const struct fnsetting *s, const struct manifest_fn *fn);
/* Whether fn leaves s to Lambda: a FNSET_UNSET_UNMANAGED row unset, or a
 * FNSET_JSON_LOGS one without JSON logs; never sent nor compared. */
int fnset_unmanaged(const struct fnsetting *s, const struct manifest_fn *fn);
/*
 * What s is when a FunctionConfiguration does not report it: its default,
 * or NULL and 0 (unknown) for a FNSET_REPORTED row.
 */
const char *fnset_unreported_str(const struct fnsetting *s);
long fnset_unreported_long(const struct fnsetting *s);

/*
 * The first row (in the table's order) whose value differs between two
 * configurations Lambda reported, or NULL when every row read back is the
 * same: strings (NULL only like NULL), numbers, lists item by item in
 * order (a FNSET_SORTED one is sorted when read), maps key and value.  A
 * published version carries every row read back (tags, which are not, are
 * the function's), so this says whether publishing $LATEST would give a
 * version configured otherwise than another one; but a FNSET_VERSION_OWN
 * row, and a string row without a default that one side does not report
 * (logging.group of a version older than advanced logging), count as the
 * same.
 */
const struct fnsetting *fnset_config_differs(const struct lambda_config *a,
    const struct lambda_config *b);

/* Frees what the settings hold in cfg (a map's values wiped) and zeroes
 * them; the rest of cfg is the caller's. */
void fnset_release(struct lambda_config *cfg);

#endif
