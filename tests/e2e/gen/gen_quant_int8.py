# q8_*: 8-bit QDQ activations into a ternary conv, 4-bit Div/Round/Clip/Mul
# fake quantization into a ternary Gemm (pass quant-int8: W2A8, W2A4).
import numpy as np, onnx, sys
from onnx import helper as h, TensorProto as T, numpy_helper as nh
rng=np.random.default_rng(0)
def tern(shape):
    t=rng.integers(-1,2,size=shape).astype(np.float32)
    sc=rng.uniform(0.5,1.5,size=(shape[0],)+(1,)*(len(shape)-1)).astype(np.float32)
    return t*sc
w1=tern((16,8,3,3)); w2=tern((10,16*8*8))
nodes=[h.make_node('QuantizeLinear',['x','s1','z1'],['q1']),
 h.make_node('DequantizeLinear',['q1','s1','z1'],['d1']),
 h.make_node('Conv',['d1','w1','b1'],['c1'],pads=[1,1,1,1]),
 h.make_node('Relu',['c1'],['r1']),
 h.make_node('Flatten',['r1'],['f1']),
 h.make_node('Div',['f1','s2'],['v2']), h.make_node('Round',['v2'],['o2']),
 h.make_node('Clip',['o2','lo','hi'],['k2']), h.make_node('Mul',['k2','s2'],['m2']),
 h.make_node('Gemm',['m2','w2'],['y'],transB=1)]
inits=[nh.from_array(np.array(0.02,np.float32),'s1'),nh.from_array(np.array(128,np.uint8),'z1'),
 nh.from_array(w1,'w1'),nh.from_array(rng.normal(size=16).astype(np.float32),'b1'),
 nh.from_array(np.array(0.5,np.float32),'s2'),nh.from_array(np.array(0,np.float32),'lo'),nh.from_array(np.array(15,np.float32),'hi'),
 nh.from_array(w2,'w2')]
g=h.make_graph(nodes,'q8',[h.make_tensor_value_info('x',T.FLOAT,[1,8,8,8])],[h.make_tensor_value_info('y',T.FLOAT,[1,10])],inits)
m=h.make_model(g,opset_imports=[h.make_opsetid('',13)]); m.ir_version=7
onnx.checker.check_model(m); import os; d=os.path.join(os.path.dirname(os.path.abspath(__file__)),'..','models','q8_qdq_conv_fq4_mlp'); os.makedirs(d,exist_ok=True); onnx.save(m,os.path.join(d,'model.onnx'))
np.save(os.path.join(d,'input_0.npy'),rng.normal(size=(1,8,8,8)).astype(np.float32))
