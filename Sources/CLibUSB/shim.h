#ifndef DFUTUI_CLIBUSB_SHIM_H
#define DFUTUI_CLIBUSB_SHIM_H
#include <libusb.h>

/// libusb_set_option is variadic and so unavailable in Swift; this sets the log level.
/// dfutui keeps libusb silent (level 0) because stderr is the screen under curses.
static inline int clibusb_set_log_level(libusb_context *ctx, int level) {
  return libusb_set_option(ctx, LIBUSB_OPTION_LOG_LEVEL, level);
}

/// The IN direction bit of bmRequestType / an endpoint address.
static inline unsigned char clibusb_endpoint_in(void) { return LIBUSB_ENDPOINT_IN; }
#endif
