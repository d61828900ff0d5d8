/* Tiny Cortex-M program for dfutui's firmware-file tests (built in the test setup,
 * never committed as a binary): a vector table, .text, .rodata, .data with a flash
 * load address (AT> FLASH), and .bss. */
#include <stdint.h>

extern uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss;
void Reset_Handler(void);
static void Default_Handler(void) { for (;;) {} }

__attribute__((section(".isr_vector"), used))
const void *const vectors[16] = {
  &_estack, Reset_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
  Default_Handler, 0, 0, 0, 0, Default_Handler, Default_Handler, 0, Default_Handler, Default_Handler,
};

volatile uint32_t counter = 0x12345678u;            /* .data: initialiser stored in flash */
volatile uint8_t tag[5] = {'d', 'f', 'u', 't', 0};  /* odd-sized .data */
uint32_t scratch[64];                               /* .bss: not flashed */
const char message[] = "dfutui fixture";            /* .rodata */

int main(void) {
  for (;;) { counter += (uint32_t)message[counter & 7] + scratch[counter & 63] + tag[0]; }
}

void Reset_Handler(void) {
  uint32_t *src = &_sidata, *dst = &_sdata;
  while (dst < &_edata) { *dst++ = *src++; }
  for (dst = &_sbss; dst < &_ebss;) { *dst++ = 0; }
  main();
}
