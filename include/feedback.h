/* feedback.h: placeholder */
