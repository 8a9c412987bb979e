/* cmd-feedback.c: placeholder */
#include "common.h"

#include "cmd.h"

int
cmd_feedback(struct app *app, int argc, char **argv)
{
	app_error("'confab feedback' is not part of this build yet");
	return EXIT_USAGE;
}
