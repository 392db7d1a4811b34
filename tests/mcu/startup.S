/* Bare-metal start-up for the MPS2 Cortex-M boards under QEMU
 * (mps2-an386: Cortex-M4F, mps2-an500: Cortex-M7), see mps2.ld.
 *
 * The vector table holds the initial stack pointer and the reset handler;
 * every other exception goes to tnn_fault (the harness enables no
 * interrupt, so it can only be a fault), which reports it to the host.
 * Reset: copy .data from flash, zero .bss, give the FPU full access
 * (CPACR CP10/CP11) before any floating-point instruction, paint the stack
 * below the current stack pointer, call main and report its status to the
 * host through semihosting SYS_EXIT.
 *
 * Two leaf helpers measure the stack (neither touches the stack itself):
 *   uint32_t tnn_paint_stack(void)  fills __stack_limit .. sp with
 *                                   TNN_STACK_PAINT, returns the caller's sp;
 *   uint32_t tnn_stack_low(void)    the lowest address whose word is no
 *                                   longer painted (__stack_top if none).
 * So sp - tnn_stack_low() after a call is that call's stack high-water mark.
 */
        .syntax unified
        .thumb

        .equ    STACK_PAINT, 0x5aa5c33c
        .equ    CPACR, 0xe000ed88

        .section .vectors, "a"
        .align  2
        .global tnn_vectors
tnn_vectors:
        .word   __stack_top
        .word   tnn_reset
        .rept   14              /* NMI .. SysTick */
        .word   tnn_fault
        .endr

        .text
        .align  2
        .thumb_func
        .global tnn_reset
tnn_reset:
        ldr     r0, =__data_load        /* .data: flash -> RAM */
        ldr     r1, =__data_start
        ldr     r2, =__data_end
1:      cmp     r1, r2
        bhs     2f
        ldr     r3, [r0], #4
        str     r3, [r1], #4
        b       1b
2:      ldr     r1, =__bss_start        /* .bss: zero */
        ldr     r2, =__bss_end
        movs    r3, #0
3:      cmp     r1, r2
        bhs     4f
        str     r3, [r1], #4
        b       3b
4:
#if defined(__ARM_FP)
        ldr     r0, =CPACR              /* CP10, CP11: full access */
        ldr     r1, [r0]
        orr     r1, r1, #(0xf << 20)
        str     r1, [r0]
        dsb
        isb
#endif
        bl      tnn_paint_stack
        bl      main
        bl      tnn_exit                /* tnn_exit(main's status) */
5:      b       5b

        .thumb_func
        .global tnn_paint_stack
tnn_paint_stack:
        ldr     r1, =__stack_limit
        ldr     r2, =STACK_PAINT
        mov     r0, sp
1:      cmp     r1, r0
        bhs     2f
        str     r2, [r1], #4
        b       1b
2:      bx      lr

        .thumb_func
        .global tnn_stack_low
tnn_stack_low:
        ldr     r0, =__stack_limit
        ldr     r1, =__stack_top
        ldr     r2, =STACK_PAINT
1:      cmp     r0, r1
        bhs     2f
        ldr     r3, [r0]
        cmp     r3, r2
        bne     2f
        adds    r0, r0, #4
        b       1b
2:      bx      lr

        .thumb_func
        .global tnn_fault
tnn_fault:
        mrs     r0, ipsr                /* tnn_on_fault(exception number) */
        bl      tnn_on_fault
1:      b       1b

/* A loop of exactly 2 * n instructions (subs, bne), to calibrate the timer
 * against the instruction count: void tnn_spin(uint32_t n), n >= 1. */
        .thumb_func
        .global tnn_spin
tnn_spin:
1:      subs    r0, r0, #1
        bne     1b
        bx      lr

        .pool
