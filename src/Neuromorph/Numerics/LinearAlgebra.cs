using MathNet.Numerics.LinearAlgebra;

namespace Neuromorph.Numerics;

/// <summary>
/// Dense solves in double precision (MathNet.Numerics): Cholesky for symmetric positive-definite
/// systems, LU with partial pivoting for general ones, and ridge regression.
/// </summary>
public static class LinearAlgebra
{
    /// <summary>Solves A·X = B for symmetric positive-definite A by Cholesky factorisation.</summary>
    /// <exception cref="InvalidOperationException">A is not positive definite.</exception>
    public static Matrix<double> CholeskySolve(Matrix<double> a, Matrix<double> b)
    {
        if (a.RowCount != a.ColumnCount) throw new ArgumentException($"A must be square, got {a.RowCount}×{a.ColumnCount}");
        try { return a.Cholesky().Solve(b); }
        catch (ArgumentException e) { throw new InvalidOperationException("matrix is not symmetric positive definite; increase the ridge regularisation", e); }
    }

    /// <summary>Solves A·x = b by LU factorisation with partial pivoting.</summary>
    public static Vector<double> LuSolve(Matrix<double> a, Vector<double> b)
    {
        if (a.RowCount != a.ColumnCount) throw new ArgumentException($"A must be square, got {a.RowCount}×{a.ColumnCount}");
        var lu = a.LU();
        if (Math.Abs(lu.Determinant) < 1e-300) throw new InvalidOperationException("matrix is singular");
        return lu.Solve(b);
    }
}
