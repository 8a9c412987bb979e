/* cmd-log.c: placeholder */
#include "common.h"

#include "cmd.h"

int
cmd_log(struct app *app, int argc, char **argv)
{
	app_error("'confab log' is not part of this build yet");
	return EXIT_USAGE;
}
