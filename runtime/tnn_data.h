/* tnn runtime: data movement and reductions. */
#define TNN_KERNELS_DATA(K)
