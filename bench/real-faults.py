#!/usr/bin/env python3
"""The shared real footprint trials with a sensor's faults added (README, "The real recordings with a sensor's faults
added"): writes a copy of tests/data/datasets/footprints-walk-jog with one fault applied to every sample of every trial,
runs `gaitgw evaluate --footprints` on it and prints one table row per fault. Standard library only.

    dotnet build -c Release src/GaitGateway
    python3 bench/real-faults.py [path/to/gaitgw]     (default: dotnet src/GaitGateway/bin/Release/net10.0/gaitgw.dll)
"""
import glob, math, os, random, re, shutil, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, 'tests', 'data', 'datasets', 'footprints-walk-jog')

def rotation(roll, pitch, yaw):
    r, p, y = map(math.radians, (roll, pitch, yaw))
    cr, sr, cp, sp, cy, sy = math.cos(r), math.sin(r), math.cos(p), math.sin(p), math.cos(y), math.sin(y)
    return [[cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr],
            [sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr],
            [-sp, cp * sr, cp * cr]]

def apply(m, v):
    return [sum(m[i][j] * v[j] for j in range(3)) for i in range(3)]

# name -> (kind, parameters); every random draw is seeded by the trial's file name, so a row is the same on every run.
FAULTS = [
    ('none', 'none', ()),
    ('gyro scale +3 %', 'gscale', (1.03,)),
    ('gyro scale -3 %', 'gscale', (0.97,)),
    ('accelerometer scale +2 %', 'ascale', (1.02,)),
    ('gyro bias +-1 deg/s per axis', 'gbias', (1.0,)),
    ('gyro bias +-3 deg/s per axis', 'gbias', (3.0,)),
    ('accelerometer bias +-0.2 m/s2 per axis', 'abias', (0.2,)),
    ('noise 0.05 m/s2, 0.5 deg/s rms', 'noise', (0.05, 0.5)),
    ('clip turned 30/20/90 deg', 'rot', (30, 20, 90)),
    ('clip turned -40/35/-135 deg', 'rot', (-40, 35, -135)),
    ('clip turned 90 deg in roll', 'rot', (90, 0, 0)),
    ('gyro rail at +-400 deg/s', 'gsat', (400,)),
    ('gyro rail at +-300 deg/s', 'gsat', (300,)),
    ('time stamps jittered +-1 ms', 'jitter', (1,)),
    ('1 % of 50-ms packets lost', 'loss', (0.01, 10)),
    ('3 % of 50-ms packets lost', 'loss', (0.03, 10)),
]

def perturb(src, dst, kind, par):
    rnd = random.Random(sum(map(ord, os.path.basename(src))))
    lines = open(src).read().splitlines()
    rows = [list(map(float, l.split(','))) for l in lines[1:] if l]
    gb = [rnd.choice([-1, 1]) * par[0] for _ in range(3)] if kind == 'gbias' else None
    ab = [rnd.choice([-1, 1]) * par[0] for _ in range(3)] if kind == 'abias' else None
    rot = rotation(*par) if kind == 'rot' else None
    out, skip_until = [lines[0]], -1
    for i, r in enumerate(rows):
        t, a, g = r[0], r[1:4], r[4:7]
        if kind == 'gscale': g = [x * par[0] for x in g]
        elif kind == 'ascale': a = [x * par[0] for x in a]
        elif kind == 'gbias': g = [x + b for x, b in zip(g, gb)]
        elif kind == 'abias': a = [x + b for x, b in zip(a, ab)]
        elif kind == 'noise': a = [x + rnd.gauss(0, par[0]) for x in a]; g = [x + rnd.gauss(0, par[1]) for x in g]
        elif kind == 'rot': a = apply(rot, a); g = apply(rot, g)
        elif kind == 'gsat': g = [max(-par[0], min(par[0], x)) for x in g]
        elif kind == 'jitter': t += rnd.uniform(-par[0], par[0]) / 1000
        elif kind == 'loss':
            if i < skip_until: continue
            if i % int(par[1]) == 0 and rnd.random() < par[0]:
                skip_until = i + int(par[1])
                continue
        out.append('%.6f,%.5f,%.5f,%.5f,%.4f,%.4f,%.4f' % (t, *a, *g))
    open(dst, 'w').write('\n'.join(out) + '\n')

def main():
    gaitgw = sys.argv[1:] or ['dotnet', os.path.join(ROOT, 'src', 'GaitGateway', 'bin', 'Release', 'net10.0', 'gaitgw.dll')]
    print('| fault added | strides found | walking MAE (bias) [cm] | jogging MAE [%] | worst trial |')
    print('|---|---|---|---|---|')
    for name, kind, par in FAULTS:
        with tempfile.TemporaryDirectory() as d:
            for f in glob.glob(os.path.join(DATA, '*')):
                if f.endswith('_right.csv'): perturb(f, os.path.join(d, os.path.basename(f)), kind, par)
                else: shutil.copy(f, d)
            run = subprocess.run(gaitgw + ['evaluate', '--footprints', d], capture_output=True, text=True)
        last = (run.stdout.strip().splitlines() or [run.stderr.strip()])[-1]
        found = re.search(r'strides found (\d+/\d+)', last)
        walk = re.search(r'walking MAE ([0-9.]+) cm \(bias ([-0-9.]+) cm\)', last)
        jog = re.search(r'jogging MAE ([0-9.]+) %', last)
        worst = re.search(r'worst trial (exp\d+) \(.*walking MAE ([0-9.]+) cm', last)
        print('| %s | %s | %s | %s | %s |' % (
            name, found.group(1) if found else last, '%s (%s)' % walk.groups() if walk else '-', jog.group(1) if jog else '-',
            '%s %s cm' % worst.groups() if worst else '-'))

if __name__ == '__main__':
    main()
