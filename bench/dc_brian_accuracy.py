#!/usr/bin/python3
"""Accuracy of the Brian2 Diehl & Cook reference (C++ standalone), to tell an implementation
difference from a property of the model (docs/stdp.md): train on the first K MNIST training
images, then a frozen pass (no STDP, no theta change, no normalisation; learn flag driven by the
controller) over the first L training images (labelling) and T test images; neurons labelled by
their strongest mean class response, test images by the class with the highest mean count.
The network, parameters and controller are those of /work/shared/baselines/dc_brian.py
(standalone mode). One run of --budget x (K+L+T) 500 ms cycles: images not reached are reported.
Also reports a held-out accuracy on the labelling images alone (label on the first half, score
the second) and can save the trained weights (784 x N, float32, input-major) and theta (float64, V).

  /usr/bin/python3 bench/dc_brian_accuracy.py --N 100 --K 10000 --L 10000 --T 10000 --budget 2.5
"""
import argparse, gzip, json, os, struct, tempfile, time
ap = argparse.ArgumentParser()
ap.add_argument('--N', type=int, default=100)
ap.add_argument('--K', type=int, default=10000)
ap.add_argument('--L', type=int, default=10000)
ap.add_argument('--T', type=int, default=10000)
ap.add_argument('--seed', type=int, default=0)
ap.add_argument('--method', default='euler')
ap.add_argument('--budget', type=float, default=2.5, help='500 ms cycles per image (repeats included)')
ap.add_argument('--save', default=None, help='prefix for <prefix>_W.f32 and <prefix>_theta.f64')
ap.add_argument('--workdir', default=os.path.join(tempfile.gettempdir(), 'dcacc'))
args = ap.parse_args()
import numpy as np
import brian2 as b2
from brian2 import ms, mV, Hz, second, nS, prefs, defaultclock
D = os.environ.get('MNIST_DIR', '/work/shared/data/mnist')
def imgs(name, n):
    with gzip.open(os.path.join(D, name), 'rb') as f:
        f.read(16); return np.frombuffer(f.read(n*784), dtype=np.uint8).reshape(n, 784).astype(np.float64)
def labs(name, n):
    with gzip.open(os.path.join(D, name), 'rb') as f:
        f.read(8); return np.frombuffer(f.read(n), dtype=np.uint8).astype(int)
K, L, T, N = args.K, args.L, args.T, args.N
tr = imgs('train-images-idx3-ubyte.gz', max(K, L)); trl = labs('train-labels-idx1-ubyte.gz', max(K, L))
te = imgs('t10k-images-idx3-ubyte.gz', T); tel = labs('t10k-labels-idx1-ubyte.gz', T)
allimg = np.vstack([tr[:K], tr[:L], te, np.zeros((1, 784))])
DT = 0.5*ms
v_rest_e, v_rest_i = -65.*mV, -60.*mV; v_reset_e, v_reset_i = -65.*mV, -45.*mV
v_thresh_e, v_thresh_i = -52.*mV, -40.*mV; refrac_e, refrac_i = 5.*ms, 2.*ms
offset = 20.*mV; tc_theta = 1e7*ms; theta_plus_e = 0.05*mV
tc_pre_ee, tc_post_1_ee, tc_post_2_ee = 20*ms, 20*ms, 40*ms
nu_ee_pre, nu_ee_post = 0.0001, 0.01; wmax_ee = 1.0
sa = os.path.join(args.workdir, f'N{N}_K{K}_s{args.seed}_{args.method}')
b2.set_device('cpp_standalone', directory=sa, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = 0
defaultclock.dt = DT
b2.seed(args.seed); rng = np.random.RandomState(args.seed)
n_on, n_cycle = 700, 1000
ctl = b2.NeuronGroup(1, '''count : 1
idx : integer
intensity : 1
on : 1
step : integer
npres : integer
learn : 1
lastcount : 1''', name='ctl')
ctl.intensity = 2.; ctl.learn = 1
ctl.run_regularly(f'''
on = int(step < {n_on})
at_end = int(step == {n_on})
ok = int(count >= 5)
lastcount = lastcount*(1-at_end) + count*at_end
idx = idx + at_end * ok
intensity = intensity + at_end * ((1 - ok) + ok * (2.0 - intensity))
npres = npres + at_end
count = count * (1 - at_end)
learn = int(idx < {K})
step = (step + 1) % {n_cycle}
''', dt=DT, when='start', name='ctl_logic')
eqs_e = '''
dv/dt = ((v_rest_e - v) + (I_synE + I_synI) / nS) / (100*ms) : volt (unless refractory)
I_synE = ge * nS * -v : amp
I_synI = gi * nS * (-100.*mV - v) : amp
dge/dt = -ge/(1.0*ms) : 1
dgi/dt = -gi/(2.0*ms) : 1
dtheta/dt = -learn_e * theta / tc_theta : volt
learn_e : 1 (linked)
lrn : 1
wtot : 1
'''
eqs_i = '''
dv/dt = ((v_rest_i - v) + (I_synE + I_synI) / nS) / (10*ms) : volt (unless refractory)
I_synE = ge * nS * -v : amp
I_synI = gi * nS * (-85.*mV - v) : amp
dge/dt = -ge/(1.0*ms) : 1
dgi/dt = -gi/(2.0*ms) : 1
'''
exc = b2.NeuronGroup(N, eqs_e, threshold='v > (theta - offset + v_thresh_e)',
                     reset='v = v_reset_e; theta += learn_e * theta_plus_e', refractory=refrac_e, method=args.method, name='exc')
inh = b2.NeuronGroup(N, eqs_i, threshold='v > v_thresh_i', reset='v = v_reset_i', refractory=refrac_i, method=args.method, name='inh')
exc.learn_e = b2.linked_var(ctl, 'learn', index=np.zeros(N, dtype=int))
exc.run_regularly('lrn = learn_e', dt=DT, when='start', order=1, name='exc_lrn')
exc.v = v_rest_e - 40.*mV; inh.v = v_rest_i - 40.*mV; exc.theta = 20.*mV
stim = b2.TimedArray(allimg / 8. * Hz, dt=1*second)
inp = b2.NeuronGroup(784, '''rates = stim(idx_l * second, i) * intensity_l * on_l : Hz
idx_l : integer (linked)
intensity_l : 1 (linked)
on_l : 1 (linked)''', threshold='rand() < rates*dt', name='inp')
z = np.zeros(784, dtype=int)
inp.idx_l = b2.linked_var(ctl, 'idx', index=z); inp.intensity_l = b2.linked_var(ctl, 'intensity', index=z); inp.on_l = b2.linked_var(ctl, 'on', index=z)
cnt = b2.Synapses(exc, ctl, on_pre='count_post += 1', name='count_syn'); cnt.connect()
s_in = b2.Synapses(inp, exc, model='''w : 1
post2before : 1
dpre/dt = -pre/tc_pre_ee : 1 (event-driven)
dpost1/dt = -post1/tc_post_1_ee : 1 (event-driven)
dpost2/dt = -post2/tc_post_2_ee : 1 (event-driven)
wtot_post = w : 1 (summed)''',
    on_pre='ge_post += w\npre = 1.\nw = clip(w - lrn_post * nu_ee_pre * post1, 0, wmax_ee)',
    on_post='post2before = post2\nw = clip(w + lrn_post * nu_ee_post * pre * post2before, 0, wmax_ee)\npost1 = 1.\npost2 = 1.',
    name='XeAe')
s_in.connect()
s_in.w = ((rng.random_sample((784, N)) + 0.01) * 0.3).ravel()
s_in.delay = rng.uniform(0., 10., (784, N)).ravel() * ms
s_in.run_regularly('w = w * (lrn_post * 78. / wtot_post + (1 - lrn_post))', dt=500*ms, when='groups', order=0, name='XeAe_normalise')
cyc_clock = b2.Clock(dt=500*ms, name='cycle_clock')
for o in s_in.contained_objects:
    if 'summed_variable' in o.name: o._clock = cyc_clock
s_ei = b2.Synapses(exc, inh, 'w : 1', on_pre='ge_post += w', name='AeAi'); s_ei.connect(j='i'); s_ei.w = 10.4
s_ie = b2.Synapses(inh, exc, 'w : 1', on_pre='gi_post += w', name='AiAe'); s_ie.connect(condition='i != j'); s_ie.w = 17.0
mon = b2.StateMonitor(ctl, ['idx', 'lastcount', 'learn'], record=0, dt=500*ms, when='end', name='ctl_mon')
spk = b2.SpikeMonitor(exc, name='spk_e')
net = b2.Network(ctl, exc, inh, inp, cnt, s_in, s_ei, s_ie, mon, spk)
ncyc = int((K + L + T) * args.budget) + 50
net.run(ncyc * 500*ms)
t0 = time.time()
b2.get_device().build(directory=sa, compile=True, run=True, clean=True)
wall = time.time() - t0
idx = np.asarray(mon.idx[0]).astype(int); lc = np.asarray(mon.lastcount[0])
st = np.asarray(spk.t / ms); si = np.asarray(spk.i)
cyc = (st // 500).astype(int); ph = st - cyc*500
ncy = len(idx)
# window counts: presentation [0,350) of the cycle; and 'orig' (previous 350 ms end .. this 350 ms end]
cw = np.zeros((ncy, N)); np.add.at(cw, (cyc[ph < 350], si[ph < 350]), 1)
co = np.zeros((ncy + 1, N)); shift = cyc + (ph >= 350)  # spikes after the window count toward the next cycle
np.add.at(co, (shift, si), 1)
res = dict(N=N, K=K, L=L, T=T, seed=args.seed, method=args.method, wall_s=wall, cycles=ncy)
valid = [c for c in range(ncy - 1) if idx[c + 1] > idx[c]]
img_of = {idx[c]: c for c in valid}
missing = [k for k in range(K + L + T) if k not in img_of]
res['images_done'] = int(idx[-1]); res['missing'] = len(missing)
res['train_presentations'] = int(sum(1 for c in range(ncy - 1) if idx[c] < K))
res['theta_mean_mV'] = float(np.mean(exc.theta[:] / mV))
def accuracy(Ra, la, Rt, lt):
    rates = np.array([Ra[la == d].mean(0) if (la == d).any() else np.zeros(N) for d in range(10)])
    assign = np.where(rates.max(0) > 0, rates.argmax(0), -1)
    summed = np.zeros((len(Rt), 10))
    for d in range(10):
        m = assign == d
        if m.any(): summed[:, d] = Rt[:, m].sum(1) / m.sum()
    return float((summed.argmax(1) == lt).mean())
Ld = sum(1 for k in range(L) if K + k in img_of); Td = sum(1 for k in range(T) if K + L + k in img_of)
res['labelling_images_done'] = Ld; res['test_images_done'] = Td
for name, C in [('window', cw), ('orig', co[:ncy])]:
    R_l = np.array([C[img_of[K + k]] for k in range(Ld)])
    h = Ld // 2
    res[f'heldout_acc_{name}'] = accuracy(R_l[:h], trl[:h], R_l[h:], trl[h:Ld])
    res[f'spikes_per_labelling_image_{name}'] = float(R_l.sum(1).mean())
    if Td > 0 and Ld == L:
        R_t = np.array([C[img_of[K + L + k]] for k in range(Td)])
        res[f'acc_{name}'] = accuracy(R_l, trl[:L], R_t, tel[:Td])
if args.save:
    W = np.zeros((784, N)); W[np.asarray(s_in.i[:]), np.asarray(s_in.j[:])] = np.asarray(s_in.w[:])
    W.astype('<f4').tofile(args.save + '_W.f32'); np.asarray(exc.theta[:], dtype='<f8').tofile(args.save + '_theta.f64')
print(json.dumps(res))
