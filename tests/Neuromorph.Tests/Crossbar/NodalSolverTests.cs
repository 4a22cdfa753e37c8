using Neuromorph.Crossbar;
using Neuromorph.Numerics;

namespace Neuromorph.Tests.Crossbar;

public class NodalSolverTests
{
    private static double[] Conductances(int m, int n, ulong seed)
    {
        var r = new RandomStream(seed, "nodal-g");
        return Enumerable.Range(0, m * n).Select(_ => r.Uniform(1e-6, 1e-4)).ToArray();
    }

    [Fact]
    public void IdealWiresGiveTheKirchhoffSum()
    {
        int m = 5, n = 4;
        var g = Conductances(m, n, 1);
        double[] v = [0.1, 0.2, 0, 0.05, 0.3];
        var i = new double[n];
        new NodalSolver(m, n).Solve(g, v, 0, 0, i);
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            for (int r = 0; r < m; r++) s += g[r * n + j] * v[r];
            Assert.Equal(s, i[j], 1e-15);
        }
    }

    [Fact]
    public void LineRelaxationMatchesTheDirectSolve()
    {
        int m = 6, n = 5;
        var g = Conductances(m, n, 2);
        for (int k = 0; k < g.Length; k++) g[k] *= 100;   // 0.1–10 mS: strong wire coupling
        double[] v = [0.2, double.NaN, 0.1, 0.3, double.NaN, 0.05];
        var i = new double[n];
        var solver = new NodalSolver(m, n);
        solver.Solve(g, v, 2.5, 1.5, i, tolerance: 1e-13);
        var reference = NodalSolver.DirectSolve(m, n, g, v, 2.5, 1.5);
        for (int j = 0; j < n; j++) Assert.Equal(reference[j], i[j], Math.Abs(reference[j]) * 1e-7 + 1e-15);
        Assert.True(solver.Iterations > 1);
    }

    [Fact]
    public void SingleLineMatchesTheLadderClosedForm()
    {
        // One driven row, N cells to ideal (grounded) columns: a uniform R–G ladder.
        // V_k = V·cosh(θ(k − N + ½))/cosh(θ(N + ½)), cosh θ = 1 + G·r/2.
        int n = 40;
        double gcell = 2e-3, r = 1.0, v0 = 0.5;
        var g = Enumerable.Repeat(gcell, n).ToArray();
        var i = new double[n];
        new NodalSolver(1, n).Solve(g, [v0], r, 0, i);
        double theta = Math.Acosh(1 + gcell * r / 2);
        for (int k = 0; k < n; k++)
        {
            double vk = v0 * Math.Cosh(theta * (k - n + 0.5)) / Math.Cosh(theta * (n + 0.5));
            Assert.Equal(gcell * vk, i[k], gcell * vk * 1e-9);
        }
        Assert.True(i[^1] < 0.9 * i[0], "the far end sees a visible IR drop");
    }

    [Fact]
    public void SneakPathsAddCurrentAndNonlinearCellsSuppressThem()
    {
        // Read cell (0, 0) of a 0T1R array: row 0 driven, column 0 at the virtual ground, every other line floating.
        int m = 8, n = 8;
        var g = Enumerable.Repeat(1e-4, m * n).ToArray();
        var v = Enumerable.Repeat(double.NaN, m).ToArray(); v[0] = 0.5;
        double Read(double[] cells, CellLaw law)
        {
            var i = new double[n];
            var open = Enumerable.Range(0, n).Select(j => j != 0).ToArray();
            new NodalSolver(m, n).Solve(cells, v, 1.0, 1.0, i, law, tolerance: 1e-10, maxIterations: 200000, floatingColumns: open);
            return i[0];
        }
        // The cell alone: driver segment, cell, then m column segments to ground: solve I = I_cell(V − I·R) by bisection.
        double Alone(CellLaw law)
        {
            double rSeries = 1.0 + m * 1.0, lo = 0, hi = 0.5 / rSeries;
            for (int it = 0; it < 200; it++) { double mid = 0.5 * (lo + hi); if (law.Current(1e-4, 0.5 - mid * rSeries) > mid) lo = mid; else hi = mid; }
            return 0.5 * (lo + hi);
        }
        double linearSneak = Read(g, default) / Alone(default) - 1;
        var nl = new CellLaw(0.1);
        double nonlinearSneak = Read(g, nl) / Alone(nl) - 1;
        Assert.True(linearSneak > 0.01, $"sneak excess {linearSneak:P2}");
        Assert.True(nonlinearSneak < 0.5 * linearSneak, $"nonlinear {nonlinearSneak:P3} vs linear {linearSneak:P3}");
    }

    [Fact]
    public void ApproximateModeConvergesToTheNodalSolveForWeakCoupling()
    {
        int m = 16, n = 12;
        var g = Conductances(m, n, 5);
        var r = new RandomStream(6, "nodal-v");
        var v = Enumerable.Range(0, m).Select(_ => r.Uniform(0, 0.2)).ToArray();
        var exact = new double[n];
        new NodalSolver(m, n).Solve(g, v, 1.0, 1.0, exact, tolerance: 1e-15);
        var ideal = new double[n];
        new NodalSolver(m, n).Solve(g, v, 0, 0, ideal);
        var scratch = new double[2 * m * n];
        double Err(int iterations)
        {
            var a = new double[n];
            NodalSolver.ApproximateCurrents(m, n, g, v, 1.0, 1.0, a, iterations, scratch);
            return Enumerable.Range(0, n).Max(j => Math.Abs(a[j] - exact[j]) / exact[j]);
        }
        double drop = Enumerable.Range(0, n).Max(j => Math.Abs(ideal[j] - exact[j]) / exact[j]);
        Assert.True(drop > 1e-3, $"IR drop visible ({drop:E2})");
        Assert.True(Err(1) < 0.2 * drop, $"first order {Err(1):E2} vs drop {drop:E2}");
        Assert.True(Err(2) < Err(1));
        Assert.True(Err(30) < 1e-9);
    }
}
