/* store-feedback.c: placeholder */
#include "common.h"
