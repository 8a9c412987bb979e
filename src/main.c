/* main.c: command line, command table, mode choice, exit codes. */
#include "common.h"

#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <strings.h>
#include <unistd.h>

#include "app.h"
#include "cmd.h"
#include "consent.h"
#include "http.h"
#include "line.h"
#include "role.h"
#include "text.h"
#include "ui-app.h"
#include "ui.h"

/*
 * --help: tables of what is typed (commands, options: never translated) and
 * what it does (translated), laid out by display width (a CJK character
 * takes two columns) and wrapped to fit 80 columns; then paragraphs, wrapped.
 */
#define HELP_WIDTH 80

struct help_row {
	const char *typed; /* lines separated by '\n' */
	const char *what;  /* N_(): translated where printed */
};

static const struct help_row help_usage[] = {
	{ "confab [OPTIONS]", N_("chat: full-screen on a terminal, line mode with --plain") },
	{ "confab [OPTIONS] PROMPT...", N_("ask once; the answer alone on stdout") },
	{ "command | confab [OPTIONS] [PROMPT...]", N_("the prompt, a blank line, then stdin") },
	{ "confab terms [review]", N_("read the Terms and accept or decline") },
	{ "confab terms show", N_("print the current Terms") },
	{ "confab terms status [--json]",
	    N_("current and accepted version; exit 0 only if accepted") },
	{ "confab terms accept --sha256 HEX --adult",
	    N_("accept in a script; HEX names the current text") },
	{ "confab terms accept --no-terms [--endpoint URL]",
	    N_("a server on this machine: use it without Terms") },
	{ "confab terms diff [--json]", N_("what changed since the version you accepted") },
	{ "confab terms withdraw", N_("withdraw consent; nothing is sent until accepted again") },
	{ "confab terms history [--json]", N_("the consent ledger") },
	{ "confab terms verify [--head HEX] [--repair-head]",
	    N_("check the ledger's hash chain and its recorded head") },
	{ "confab terms export", N_("the ledger as JSON Lines") },
	{ "confab terms update", N_("fetch terms_url now; record a new version if changed") },
	{ "confab models [--json]", N_("list the endpoint's models") },
	{ "confab feedback up|down|clear [ID|last]\n"
	  "    [--reason R] [--comment TEXT] [--yes]",
	    N_("rate an answer (Terms IV; --yes confirms the notice)") },
	{ "confab feedback list [--json] | sync\n"
	  "    | export [--format jsonl|csv] [--bom]",
	    N_("ratings stay on this machine unless feedback_url is set") },
	{ "confab log list [-n N|--all] | show ID | search TEXT [-n N|--all]\n"
	  "    | delete ID [--yes] | export ID [--format markdown|json]",
	    N_("past conversations") },
	{ "confab roles [--json]", N_("list the roles (system prompts in files)") },
};

static const struct help_row help_options[] = {
	{ "  -h, --help", N_("show this help and exit") },
	{ "  -V, --version", N_("show the version and exit") },
	{ "      --config FILE", N_("config file (default $XDG_CONFIG_HOME/confab/config)") },
	{ "  -p, --profile NAME", N_("use [profile NAME] from the config file") },
	{ "      --role NAME",
	    N_("system prompt and settings from roles/NAME.md ('confab roles')") },
	{ "  -m, --model NAME", N_("model (default qwen-plus)") },
	{ "      --base-url URL",
	    N_("OpenAI-compatible endpoint (default DashScope international); --endpoint URL "
	       "is the same") },
	{ "      --system TEXT", N_("system prompt") },
	{ "      --temperature T", N_("sampling temperature (a number, 0 to 2)") },
	{ "      --max-tokens N", N_("at most N tokens in an answer") },
	{ "      --timeout SECS",
	    N_("give up when no data arrives for SECS seconds (default 60)") },
	{ "      --terms-file FILE", N_("use FILE as the current Terms") },
	{ "      --terms none", N_("the endpoint is a server you run: no provider's Terms apply") },
	{ "      --json", N_("one JSON object instead of text (one-shot), JSON for commands") },
	{ "      --no-stream", N_("ask for the whole answer at once") },
	{ "  -c, --continue", N_("continue the latest conversation") },
	{ "      --conversation ID", N_("continue conversation ID (see 'confab log list')") },
	{ "  -f, --file FILE",
	    N_("attach FILE to the (next) prompt: a text file, or a PNG, JPEG or WebP image; "
	       "repeat for more") },
	{ "      --no-log", N_("keep this exchange out of the store") },
	{ "      --raw", N_("write the model's bytes unfiltered (escape codes included)") },
	{ "      --plain", N_("line mode instead of the full-screen UI") },
	{ "  -q, --quiet", N_("print less: no usage line, no reasoning, no general notice") },
};

static const struct help_row help_command_options[] = {
	{ "      --sha256 HEX", N_("terms accept: the SHA-256 of the Terms text you accept") },
	{ "      --adult", N_("terms accept: you are at least 18") },
	{ "      --no-terms",
	    N_("terms accept: use the endpoint (on this machine) without Terms") },
	{ "      --endpoint URL", N_("terms accept --no-terms: the endpoint it applies to") },
	{ "      --head HEX", N_("terms verify: the ledger's head hash you recorded") },
	{ "      --repair-head",
	    N_("terms verify: write a missing head file again (intact ledger)") },
	{ "      --yes", N_("feedback, log delete: confirm without asking") },
	{ "  -n, --limit N", N_("log list, log search: the newest N conversations (default 50)") },
	{ "      --all", N_("log list, log search: every conversation") },
	{ "      --format FMT", N_("feedback export: jsonl or csv; log export: markdown or json") },
	{ "      --bom", N_("feedback export --format csv: start with a UTF-8 byte-order mark") },
	{ "      --reason R", N_("feedback: why (see confab(1) for the reasons)") },
	{ "      --comment TEXT", N_("feedback: a comment with the rating") },
};

static const struct help_row help_exit_codes[] = {
	{ "  0", N_("success") },
	{ "  1", N_("the provider refused or failed, or the ledger failed verification") },
	{ "  2", N_("usage, configuration or store error") },
	{ "  3", N_("consent required") },
	{ "  4", N_("authentication failed") },
	{ "  5", N_("network failure, time-out or a cut answer") },
	{ "  130", N_("interrupted") },
	{ "  141", N_("the reader of the answer went away") },
};

/* s wrapped to width columns; every line but the first indented by indent columns. */
static void
help_wrap(const char *s, int indent, int width)
{
	struct text_span *sp;
	size_t n = text_wrap(s, strlen(s), width, &sp), i;

	for (i = 0; i < n; i++)
		printf("%*s%.*s\n", i == 0 ? 0 : indent, "", (int)sp[i].len, s + sp[i].off);
	if (n == 0)
		putchar('\n');
	free(sp);
}

/*
 * One row: what is typed at column indent (each of its lines), what it does
 * from column col, on the typed text's last line when it fits there with two
 * columns to spare, else on the next.
 */
static void
help_row(const char *lead, int indent, const char *typed, const char *what, int col)
{
	const char *nl;
	int used = 0;

	for (;;) {
		nl = strchr(typed, '\n');
		printf("%s%*s%.*s", lead != NULL ? lead : "", lead != NULL ? 0 : indent, "",
		    nl != NULL ? (int)(nl - typed) : (int)strlen(typed), typed);
		used = (lead != NULL ? text_width(lead, strlen(lead)) : indent) +
		    text_width(typed, nl != NULL ? (size_t)(nl - typed) : strlen(typed));
		lead = NULL;
		if (nl == NULL)
			break;
		putchar('\n');
		typed = nl + 1;
	}
	if (used + 2 > col) {
		putchar('\n');
		used = 0;
	}
	printf("%*s", col - used, "");
	help_wrap(_(what), col, HELP_WIDTH - col);
}

static void
help_table(const struct help_row *rows, size_t n, int col)
{
	size_t i;

	for (i = 0; i < n; i++)
		help_row(NULL, 0, rows[i].typed, rows[i].what, col);
}

/* A paragraph of the help, wrapped to HELP_WIDTH, and a blank line after it. */
static void
help_paragraph(const char *s)
{
	help_wrap(s, 0, HELP_WIDTH);
	putchar('\n');
}

static void
print_help(void)
{
	/* TRANSLATORS: the start of the first line of --help, before "confab [OPTIONS]". */
	const char *usage = _("usage:");
	int indent = text_width(usage, strlen(usage)) + 1, col = indent + 31;
	char *lead = xasprintf("%s ", usage);
	size_t i;

	for (i = 0; i < nitems(help_usage); i++)
		help_row(i == 0 ? lead : NULL, indent, help_usage[i].typed, help_usage[i].what,
		    col);
	free(lead);
	putchar('\n');
	help_paragraph(_("Options may come before, among or after the prompt's words and a "
			 "command's words; every word after '--' is text (confab -- -5 "
			 "squared)."));
	/* TRANSLATORS: a heading of --help. */
	puts(_("Options:"));
	help_table(help_options, nitems(help_options), 26);
	putchar('\n');
	/* TRANSLATORS: a heading of --help: the options that only some commands take. */
	puts(_("Options of the commands:"));
	help_table(help_command_options, nitems(help_command_options), 26);
	putchar('\n');
	help_paragraph(_("The API key comes from $DASHSCOPE_API_KEY (sent to DashScope's hosts "
			 "only), or a profile's api_key_env or api_key_cmd; never from the command "
			 "line. An endpoint on this machine needs no key; for another that needs "
			 "none, its profile says no_key = yes."));
	help_paragraph(_("In chat: Enter sends, Alt-Enter adds a line, Esc or Ctrl-C stops an "
			 "answer, /help lists the slash commands, Ctrl-D quits."));
	help_paragraph(_("Nothing is sent to the model until you accept the provider's Terms "
			 "('confab terms')."));
	/* TRANSLATORS: a heading of --help, above the table of exit codes. */
	puts(_("Exit codes:"));
	help_table(help_exit_codes, nitems(help_exit_codes), 8);
	putchar('\n');
	help_wrap(_("See confab(1) for everything else."), 0, HELP_WIDTH);
}

enum {
	OPT_CONFIG = 256,
	OPT_BASE_URL,
	OPT_SYSTEM,
	OPT_TIMEOUT,
	OPT_TERMS_FILE,
	OPT_JSON,
	OPT_SHA256,
	OPT_ADULT,
	OPT_NO_STREAM,
	OPT_NO_LOG,
	OPT_RAW,
	OPT_PLAIN,
	OPT_YES,
	OPT_FORMAT,
	OPT_REASON,
	OPT_COMMENT,
	OPT_CONVERSATION,
	OPT_TERMS,
	OPT_NO_TERMS,
	OPT_HEAD,
	OPT_REPAIR_HEAD,
	OPT_TEMPERATURE,
	OPT_MAX_TOKENS,
	OPT_ROLE,
	OPT_ALL,
	OPT_BOM,
};

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "profile", required_argument, NULL, 'p' },
	{ "model", required_argument, NULL, 'm' },
	{ "base-url", required_argument, NULL, OPT_BASE_URL },
	{ "system", required_argument, NULL, OPT_SYSTEM },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "terms-file", required_argument, NULL, OPT_TERMS_FILE },
	{ "terms", required_argument, NULL, OPT_TERMS },
	{ "no-terms", no_argument, NULL, OPT_NO_TERMS },
	{ "endpoint", required_argument, NULL, OPT_BASE_URL },
	{ "head", required_argument, NULL, OPT_HEAD },
	{ "repair-head", no_argument, NULL, OPT_REPAIR_HEAD },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "sha256", required_argument, NULL, OPT_SHA256 },
	{ "adult", no_argument, NULL, OPT_ADULT },
	{ "no-stream", no_argument, NULL, OPT_NO_STREAM },
	{ "continue", no_argument, NULL, 'c' },
	{ "file", required_argument, NULL, 'f' },
	{ "no-log", no_argument, NULL, OPT_NO_LOG },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "plain", no_argument, NULL, OPT_PLAIN },
	{ "yes", no_argument, NULL, OPT_YES },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "bom", no_argument, NULL, OPT_BOM },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "comment", required_argument, NULL, OPT_COMMENT },
	{ "conversation", required_argument, NULL, OPT_CONVERSATION },
	{ "temperature", required_argument, NULL, OPT_TEMPERATURE },
	{ "max-tokens", required_argument, NULL, OPT_MAX_TOKENS },
	{ "role", required_argument, NULL, OPT_ROLE },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "limit", required_argument, NULL, 'n' },
	{ NULL, 0, NULL, 0 },
};

/* Where parse_options() puts the words among the options (NULL: stop at the first). */
struct words {
	char **v;
	int n;
};

/*
 * Parse options. Without w, parsing stops at the first word; with it, words
 * and options may mix, and the words go to w in their order (whatever
 * POSIXLY_CORRECT says), with every word after "--". Returns -1 on a bad option.
 */
static int
parse_options(int argc, char **argv, struct words *w, struct app *app, struct config_flags *flags,
    int *help, int *version, bool *dashdash)
{
	const char *optstring = w != NULL ? "-:hVp:m:qcf:n:" : "+:hVp:m:qcf:n:";
	int c, last = 1;

	opterr = 0;
	optind = 0; /* full reinitialisation of GNU getopt */
	*dashdash = false;
	while ((c = getopt_long(argc, argv, optstring, long_options, NULL)) != -1) {
		last = optind;
		switch (c) {
		case 1: /* a word, in order */
			w->v[w->n++] = optarg;
			break;
		case 'h':
			*help = 1;
			break;
		case 'V':
			*version = 1;
			break;
		case OPT_CONFIG:
			flags->config_path = optarg;
			break;
		case 'p':
			flags->profile = optarg;
			break;
		case 'm':
			flags->value[CONFIG_MODEL] = optarg;
			break;
		case OPT_BASE_URL:
			flags->value[CONFIG_BASE_URL] = optarg;
			break;
		case OPT_SYSTEM:
			flags->value[CONFIG_SYSTEM] = optarg;
			break;
		case OPT_TIMEOUT:
			flags->value[CONFIG_TIMEOUT] = optarg;
			break;
		case OPT_TEMPERATURE:
			flags->value[CONFIG_TEMPERATURE] = optarg;
			break;
		case OPT_MAX_TOKENS:
			flags->value[CONFIG_MAX_TOKENS] = optarg;
			break;
		case OPT_ROLE:
			flags->value[CONFIG_ROLE] = optarg;
			break;
		case OPT_TERMS_FILE:
			flags->value[CONFIG_TERMS_FILE] = optarg;
			break;
		case OPT_TERMS:
			flags->value[CONFIG_TERMS] = optarg;
			break;
		case OPT_NO_TERMS:
			app->no_terms = true;
			break;
		case OPT_HEAD:
			app->head = optarg;
			break;
		case OPT_REPAIR_HEAD:
			app->repair_head = true;
			break;
		case OPT_JSON:
			app->json = true;
			break;
		case 'q':
			app->quiet = true;
			break;
		case OPT_SHA256:
			app->sha256 = optarg;
			break;
		case OPT_ADULT:
			app->adult = true;
			break;
		case OPT_NO_STREAM:
			app->no_stream = true;
			break;
		case 'c':
			app->cont = true;
			break;
		case 'f':
			app->attach = xreallocarray(app->attach, app->nattach + 1,
			    sizeof *app->attach);
			app->attach[app->nattach++] = optarg;
			break;
		case OPT_NO_LOG:
			app->no_log = true;
			break;
		case OPT_RAW:
			app->raw = true;
			break;
		case OPT_PLAIN:
			app->plain = true;
			break;
		case OPT_YES:
			app->yes = true;
			break;
		case OPT_FORMAT:
			app->format = optarg;
			break;
		case OPT_BOM:
			app->bom = true;
			break;
		case OPT_REASON:
			app->reason = optarg;
			break;
		case OPT_COMMENT:
			app->comment = optarg;
			break;
		case OPT_CONVERSATION:
			app->conversation = optarg;
			break;
		case OPT_ALL:
			app->all = true;
			break;
		case 'n':
			app->limit = optarg;
			break;
		case ':':
			app_error(_("option '%s' needs a value; see 'confab --help'"),
			    argv[optind - 1]);
			return -1;
		default:
			if (optopt != 0)
				app_error(_("unknown option '-%c'; see 'confab --help' (prompt "
					    "words that start with '-' go after '--')"),
				    optopt);
			else
				app_error(_("unknown option '%s'; see 'confab --help' (prompt "
					    "words that start with '-' go after '--')"),
				    argv[optind - 1]);
			return -1;
		}
	}
	/* Parsing ended on "--": every word after it is text. */
	*dashdash = optind == last + 1 && last < argc && strcmp(argv[last], "--") == 0;
	for (; w != NULL && optind < argc; optind++)
		w->v[w->n++] = argv[optind];
	return 0;
}

/* The commands; a first word that is none of them starts a one-shot prompt. */
static const struct {
	const char *name;
	int (*fn)(struct app *, int, char **);
} commands[] = {
	{ "terms", cmd_terms },
	{ "models", cmd_models },
	{ "feedback", cmd_feedback },
	{ "log", cmd_log },
	{ "roles", cmd_roles },
};

static int
find_command(const char *word)
{
	size_t i;

	for (i = 0; i < nitems(commands); i++)
		if (strcmp(word, commands[i].name) == 0)
			return (int)i;
	return -1;
}

/*
 * Options anywhere: before the first word, parsing stops there; then a
 * command's words, or a prompt's words, may mix with options until "--",
 * after which every word is text. w gets the command word (*cmd >= 0) or the
 * prompt's words; w->v has room for argc words.
 */
static int
parse_words(int argc, char **argv, struct words *w, struct app *app, struct config_flags *flags,
    int *help, int *version, int *cmd)
{
	bool dashdash;
	int n, i;

	if (parse_options(argc, argv, NULL, app, flags, help, version, &dashdash) != 0)
		return -1;
	n = argc - optind;
	argv += optind;
	*cmd = n > 0 && !dashdash ? find_command(argv[0]) : -1;
	if (n == 0 || dashdash) {
		for (i = 0; i < n; i++)
			w->v[w->n++] = argv[i];
		return 0;
	}
	if (*cmd >= 0) {
		/* The command word stands where getopt expects the program name. */
		w->v[w->n++] = argv[0];
		return parse_options(n, argv, w, app, flags, help, version, &dashdash);
	}
	/* A prompt: the word before it (an option or the program name) is skipped. */
	return parse_options(n + 1, argv - 1, w, app, flags, help, version, &dashdash);
}

/* Every word, then NULL, as argv has them; 0 or -1 on a bad option. */
static int
parse_command_line(int argc, char **argv, struct words *w, struct app *app,
    struct config_flags *flags, int *help, int *version, int *cmd)
{
	int r = parse_words(argc, argv, w, app, flags, help, version, cmd);

	w->v[w->n] = NULL;
	return r;
}

/* The role of --role, CONFAB_ROLE or the profile, applied to the settings; 0 or -1. */
static int
apply_role(struct app *app)
{
	const char *name = config_get(&app->cfg, CONFIG_ROLE);
	char *dir, *cause = NULL;
	struct role r;
	int ret = 0;

	if (name == NULL || *name == '\0')
		return 0;
	dir = role_dir();
	if (role_load(&r, dir, name, &cause) != 0) {
		/* TRANSLATORS: %1$s is what is wrong with the role; %2$s is --role, CONFAB_ROLE or file:line. */
		app_error(_("%s (the role comes from %s)"), cause, app->cfg.origin[CONFIG_ROLE]);
		free(cause);
		ret = -1;
	} else
		role_apply(&r, &app->cfg, false);
	role_release(&r);
	free(dir);
	return ret;
}

static bool
codeset_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0;
}

/*
 * The terminal front ends read and draw UTF-8. Under the C locale (LANG
 * unset, LC_ALL=C: containers, cron, minimal SSH sessions) ncurses would show
 * CJK as "~A~W" and readline would drop it: LC_CTYPE is switched to a UTF-8
 * locale that exists. Another codeset (a GB18030 or Latin-1 terminal) or no
 * UTF-8 locale at all: a clear message, and false.
 */
static bool
utf8_ctype(void)
{
	static const char *const names[] = { "C.UTF-8", "C.utf8", "en_US.UTF-8" };
	const char *cs = nl_langinfo(CODESET);
	size_t i;

	if (codeset_utf8())
		return true;
	if (strcmp(cs, "ANSI_X3.4-1968") != 0 && strcasecmp(cs, "ASCII") != 0) {
		app_error(_("the locale's character set is %s, and the chat needs UTF-8; "
			    "use a UTF-8 terminal and locale (LANG=C.UTF-8), or one-shot mode"),
		    cs);
		return false;
	}
	for (i = 0; i < nitems(names); i++) {
		if (setlocale(LC_CTYPE, names[i]) == NULL || !codeset_utf8())
			continue;
		/*
		 * Readline sets LC_CTYPE again from LC_ALL, LC_CTYPE or LANG as it
		 * starts: they must name the UTF-8 locale too. C.UTF-8 is C with
		 * UTF-8, so LC_ALL=C becomes LC_ALL=C.UTF-8.
		 */
		if (getenv("LC_ALL") != NULL && *getenv("LC_ALL") != '\0')
			setenv("LC_ALL", names[i], 1);
		else
			setenv("LC_CTYPE", names[i], 1);
		return true;
	}
	app_error(_("the locale is not UTF-8 (LANG and LC_ALL unset or C) and no UTF-8 locale "
		    "is installed; install one (C.UTF-8 comes with libc) and set LANG=C.UTF-8"));
	return false;
}

/* Interactive chat: the full-screen UI when the terminal can do it, else line mode. */
static int
interactive(struct app *app)
{
	if (!utf8_ctype())
		return EXIT_USAGE;
	if (!app->plain && ui_possible())
		return ui_run(app);
	return line_run(app);
}

int
main(int argc, char **argv)
{
	struct config_flags flags;
	struct words w = { xreallocarray(NULL, (size_t)argc + 1, sizeof *w.v), 0 };
	struct app app;
	char *cause = NULL;
	int help = 0, version = 0, cmd, r = EXIT_USAGE;

	setlocale(LC_ALL, "");
	i18n_init();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN); /* a file size limit: a write fails and is reported */
	memset(&app, 0, sizeof app);
	memset(&flags, 0, sizeof flags);

	if (parse_command_line(argc, argv, &w, &app, &flags, &help, &version, &cmd) != 0)
		goto out;
	r = EXIT_OK;
	if (help) {
		print_help();
		goto out;
	}
	if (version) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		goto out;
	}
	r = EXIT_USAGE;
	if (cmd >= 0 && app.nattach > 0) {
		app_error(_("-f attaches a file to a prompt; 'confab %s' takes none"), w.v[0]);
		goto out;
	}
	if (config_load(&app.cfg, &flags, &cause) != 0) {
		app_error("%s", cause);
		free(cause);
		config_release(&app.cfg);
		goto out;
	}
	if (cmd < 0 && apply_role(&app) != 0) {
		config_release(&app.cfg);
		goto out;
	}
	http_global_init();
	app_http_configure(&app);
	if (cmd >= 0)
		r = commands[cmd].fn(&app, w.n - 1, w.v + 1);
	else if (w.n > 0 || !isatty(STDIN_FILENO))
		r = oneshot_run(&app, w.n, w.v);
	else
		r = interactive(&app);
	app_release(&app);
	http_global_cleanup();
out:
	free(app.attach);
	free(w.v);
	return r;
}
