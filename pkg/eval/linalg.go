// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package eval

import "math"

// The small dense linear algebra the Fréchet distance needs, in float64, on row-major n×n matrices held in flat
// slices. The matrices are at most FeatureDim×FeatureDim (128×128), where these simple loops take milliseconds.

// symEigen returns the eigenvalues and eigenvectors of the symmetric n×n matrix a (which it does not modify) by the
// cyclic Jacobi method (Golub & Van Loan, Matrix Computations, 4th ed., §8.5): plane rotations zero the
// off-diagonal entries one pair at a time until they are negligible next to the diagonal. Column k of vectors
// (vectors[i*n+k]) is the unit eigenvector of values[k], so a = V·diag(values)·Vᵀ. Jacobi is slower than
// LAPACK's QR-based routines but simple, and accurate to a few ulps on symmetric matrices.
func symEigen(a []float64, n int) (values, vectors []float64) {
	if len(a) != n*n {
		panic("eval: symEigen: matrix size mismatch")
	}
	m := append([]float64(nil), a...)
	v := identity(n)
	const maxSweeps = 100
	for range maxSweeps {
		var off, diag float64
		for i := range n {
			for j := range n {
				if i == j {
					diag += m[i*n+i] * m[i*n+i]
				} else {
					off += m[i*n+j] * m[i*n+j]
				}
			}
		}
		if off <= 1e-30*diag || off == 0 {
			break
		}
		for p := range n - 1 {
			for q := p + 1; q < n; q++ {
				apq := m[p*n+q]
				if apq == 0 {
					continue
				}
				// Choose the rotation J (c on the diagonal at p and q, s at (p,q), -s at (q,p)) such that
				// (Jᵀ M J)[p,q] = 0: with θ = (M[q,q]-M[p,p]) / (2·M[p,q]), t = tan φ is the smaller root of
				// t² + 2θt - 1 = 0.
				theta := (m[q*n+q] - m[p*n+p]) / (2 * apq)
				t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				if theta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := range n { // M ← M J (columns p and q)
					mkp, mkq := m[k*n+p], m[k*n+q]
					m[k*n+p] = c*mkp - s*mkq
					m[k*n+q] = s*mkp + c*mkq
				}
				for k := range n { // M ← Jᵀ M (rows p and q)
					mpk, mqk := m[p*n+k], m[q*n+k]
					m[p*n+k] = c*mpk - s*mqk
					m[q*n+k] = s*mpk + c*mqk
				}
				m[p*n+q], m[q*n+p] = 0, 0
				for k := range n { // V ← V J
					vkp, vkq := v[k*n+p], v[k*n+q]
					v[k*n+p] = c*vkp - s*vkq
					v[k*n+q] = s*vkp + c*vkq
				}
			}
		}
	}
	values = make([]float64, n)
	for i := range n {
		values[i] = m[i*n+i]
	}
	return values, v
}

// symSqrt returns the symmetric positive semi-definite square root of the symmetric n×n matrix a,
// V·diag(sqrt(max(λ, 0)))·Vᵀ: eigenvalues that rounding made slightly negative count as 0.
func symSqrt(a []float64, n int) []float64 {
	values, vectors := symEigen(a, n)
	root := make([]float64, n*n)
	for k, lambda := range values {
		r := math.Sqrt(max(lambda, 0))
		if r == 0 {
			continue
		}
		for i := range n {
			vik := vectors[i*n+k] * r
			for j := range n {
				root[i*n+j] += vik * vectors[j*n+k]
			}
		}
	}
	return root
}

// matMul returns the product of the n×n matrices a and b.
func matMul(a, b []float64, n int) []float64 {
	out := make([]float64, n*n)
	for i := range n {
		for k := range n {
			aik := a[i*n+k]
			if aik == 0 {
				continue
			}
			for j := range n {
				out[i*n+j] += aik * b[k*n+j]
			}
		}
	}
	return out
}

// identity returns the n×n identity matrix.
func identity(n int) []float64 {
	id := make([]float64, n*n)
	for i := range n {
		id[i*n+i] = 1
	}
	return id
}

// trace returns the sum of the diagonal of the n×n matrix a.
func trace(a []float64, n int) float64 {
	var t float64
	for i := range n {
		t += a[i*n+i]
	}
	return t
}
