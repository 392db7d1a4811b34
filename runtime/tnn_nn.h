/* tnn runtime: NN kernels (conv, gemm, matmul, pooling, bn, softmax). */
#define TNN_KERNELS_NN(K)
