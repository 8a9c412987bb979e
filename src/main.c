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
#include "ui-app.h"
#include "ui.h"

static const char usage_text[] =
    "usage: confab [OPTIONS]                    chat: full-screen on a terminal, line mode with --plain\n"
    "       confab [OPTIONS] PROMPT...          ask once; the answer alone on stdout\n"
    "       command | confab [OPTIONS] [PROMPT...]\n"
    "                                           the prompt, a blank line, then stdin\n"
    "       confab terms [review]               read the Terms and accept or decline\n"
    "       confab terms show                   print the current Terms\n"
    "       confab terms status [--json]        current and accepted version; exit 0 only if accepted\n"
    "       confab terms accept --sha256 HEX --adult\n"
    "                                           accept in a script; HEX names the current text\n"
    "       confab terms accept --no-terms [--endpoint URL]\n"
    "                                           a server on this machine: use it without Terms\n"
    "       confab terms diff [--json]          what changed since the version you accepted\n"
    "       confab terms withdraw               withdraw consent; nothing is sent until accepted again\n"
    "       confab terms history [--json]       the consent ledger\n"
    "       confab terms verify [--head HEX] [--repair-head]\n"
    "                                           check the ledger's hash chain and its recorded head\n"
    "       confab terms export                 the ledger as JSON Lines\n"
    "       confab terms update                 fetch terms_url now; record a new version if changed\n"
    "       confab models [--json]              list the endpoint's models\n"
    "       confab feedback up|down|clear [ID|last] [--reason R] [--comment TEXT] [--yes]\n"
    "                                           rate an answer (Terms IV; --yes confirms the notice)\n"
    "       confab feedback list [--json] | export [--format jsonl|csv] | sync\n"
    "                                           ratings stay on this machine unless feedback_url is set\n"
    "       confab log list|show ID|search TEXT|delete ID [--yes]|export ID [--format markdown|json]\n"
    "                                           past conversations\n"
    "       confab roles [--json]               list the roles (system prompts in files)\n"
    "\n"
    "Options may come before, among or after the prompt's words and a command's words;\n"
    "every word after '--' is text (confab -- -5 squared).\n"
    "\n"
    "Options:\n"
    "  -h, --help              show this help and exit\n"
    "  -V, --version           show the version and exit\n"
    "      --config FILE       config file (default $XDG_CONFIG_HOME/confab/config)\n"
    "  -p, --profile NAME      use [profile NAME] from the config file\n"
    "      --role NAME         system prompt and settings from roles/NAME.md ('confab roles')\n"
    "  -m, --model NAME        model (default qwen-plus)\n"
    "      --base-url URL      OpenAI-compatible endpoint (default DashScope international);\n"
    "                          --endpoint URL is the same\n"
    "      --system TEXT       system prompt\n"
    "      --temperature T     sampling temperature (a number, 0 to 2)\n"
    "      --max-tokens N      at most N tokens in an answer\n"
    "      --timeout SECS      give up when no data arrives for SECS seconds (default 60)\n"
    "      --terms-file FILE   use FILE as the current Terms\n"
    "      --terms none        the endpoint is a server you run: no provider's Terms apply\n"
    "      --json              one JSON object instead of text (one-shot), JSON for commands\n"
    "      --no-stream         ask for the whole answer at once\n"
    "  -c, --continue          continue the latest conversation\n"
    "      --conversation ID   continue conversation ID (see 'confab log list')\n"
    "  -f, --file FILE         attach FILE to the (next) prompt: a text file, or a PNG,\n"
    "                          JPEG or WebP image; repeat for more\n"
    "      --no-log            keep this exchange out of the store\n"
    "      --raw               write the model's bytes unfiltered (escape codes included)\n"
    "      --plain             line mode instead of the full-screen UI\n"
    "  -q, --quiet             print less: no usage line, no reasoning, no general notice\n"
    "\n"
    "Options of the commands:\n"
    "      --sha256 HEX        terms accept: the SHA-256 of the Terms text you accept\n"
    "      --adult             terms accept: you are at least 18\n"
    "      --no-terms          terms accept: use the endpoint (on this machine) without Terms\n"
    "      --endpoint URL      terms accept --no-terms: the endpoint it applies to\n"
    "      --head HEX          terms verify: the ledger's head hash you recorded\n"
    "      --repair-head       terms verify: write a missing head file again (intact ledger)\n"
    "      --yes               feedback, log delete: confirm without asking\n"
    "      --format FMT        feedback export: jsonl or csv; log export: markdown or json\n"
    "      --reason R          feedback: why (see confab(1) for the reasons)\n"
    "      --comment TEXT      feedback: a comment with the rating\n"
    "\n"
    "The API key comes from $DASHSCOPE_API_KEY (sent to DashScope's hosts only), or a\n"
    "profile's api_key_env or api_key_cmd; never from the command line. An endpoint on this\n"
    "machine needs no key; for another that needs none, its profile says no_key = yes.\n"
    "\n"
    "In chat: Enter sends, Alt-Enter adds a line, Esc or Ctrl-C stops an answer, /help lists\n"
    "the slash commands, Ctrl-D quits.\n"
    "\n"
    "Nothing is sent to the model until you accept the provider's Terms ('confab terms').\n"
    "\n"
    "Exit codes: 0 success; 1 the provider refused or failed, or the ledger failed\n"
    "verification; 2 usage, configuration or store error; 3 consent required; 4\n"
    "authentication failed; 5 network failure, time-out or a cut answer; 130 interrupted;\n"
    "141 the reader of the answer went away.\n"
    "\n"
    "See confab(1) for everything else.\n";

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
	const char *optstring = w != NULL ? "-:hVp:m:qcf:" : "+:hVp:m:qcf:";
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
		app_error("%s (the role comes from %s)", cause, app->cfg.origin[CONFIG_ROLE]);
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
		app_error("the locale's character set is %s, and the chat needs UTF-8; "
			  "use a UTF-8 terminal and locale (LANG=C.UTF-8), or one-shot mode",
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
	app_error("the locale is not UTF-8 (LANG and LC_ALL unset or C) and no UTF-8 locale "
		  "is installed; install one (C.UTF-8 comes with libc) and set LANG=C.UTF-8");
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
		fputs(usage_text, stdout);
		goto out;
	}
	if (version) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		goto out;
	}
	r = EXIT_USAGE;
	if (cmd >= 0 && app.nattach > 0) {
		app_error("-f attaches a file to a prompt; 'confab %s' takes none", w.v[0]);
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
