/* The binary/ternary activation kernels (runtime/tnn_ba*.h) built for
 * aarch64, where they take the NEON variant, checked under qemu-aarch64
 * with the same cases as tests/unit/test_bitact.c. */
#include "../unit/bitact_cases.h"

int main(void) {
  static const struct {
    const char *name;
    bool (*run)(char *, size_t);
  } cases[] = {{"pack", ba_check_pack},   {"count", ba_check_count},
               {"dot", ba_check_dot},     {"fc", ba_check_fc},         {"conv", ba_check_conv_rows},
               {"conv blocked", ba_check_conv_blocked},
               {"maxpool", ba_check_maxpool},
               {"pack input", ba_check_pack_input}};
  char msg[256];
  int fail = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    msg[0] = 0;
    const bool ok = cases[i].run(msg, sizeof msg);
    printf("%s bitact %s (%s)%s%s\n", ok ? "PASS" : "FAIL", cases[i].name,
           ba_variant(), ok ? "" : ": ", msg);
    fail |= !ok;
  }
  return fail;
}
