"""Small-sample statistics, the Kano questionnaire and before/after tests.

Every method is described in `docs/METHODS.md`; each function names its section and source.
Inputs are array-likes, outputs numpy arrays (a numpy float for scalar input). NaN means
"not available" and propagates; it never becomes 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

FloatArray = npt.NDArray[np.float64]
FloatOrArray = FloatArray | np.float64

Z_95 = 1.959963984540054  # the 97.5% quantile of the standard normal

# Prior returned when a group cannot tell anything about its spread: Beta(1, 1), uniform.
WEAK_PRIOR = (1.0, 1.0)
# Lower bound of a fitted prior strength α + β, in pseudo-trials; see fit_beta_prior.
MIN_PRIOR_STRENGTH = 2.0


def _scipy_stats():
    """scipy.stats, imported where a test first needs it: importing it takes about a second,
    half of the dashboard's first page, whose intervals need only the distribution functions
    of scipy.special (`normal_quantile`, `normal_tail`, `t_quantile`, `t_tail`)."""
    from scipy import stats

    return stats


def normal_quantile(q: npt.ArrayLike) -> FloatOrArray:
    """The standard normal's quantile at q (scipy.stats.norm.ppf)."""
    return special.ndtri(q)


def normal_tail(z: float) -> float:
    """P(Z > z) for a standard normal Z (scipy.stats.norm.sf)."""
    return float(special.ndtr(-z))


def t_quantile(q: float, dof: float) -> float:
    """Student's t quantile at q with `dof` degrees of freedom (scipy.stats.t.ppf)."""
    return float(special.stdtrit(dof, q))


def t_tail(t: float, dof: float) -> float:
    """P(T > t) for Student's T with `dof` degrees of freedom (scipy.stats.t.sf)."""
    return float(special.stdtr(dof, -t))


def kendall_tau(a: npt.ArrayLike, b: npt.ArrayLike) -> tuple[float, float]:
    """Kendall's τ-b of two orderings and its two-sided p-value (scipy.stats.kendalltau)."""
    result = _scipy_stats().kendalltau(a, b)
    return float(result.statistic), float(result.pvalue)


def mean_ranks(values: npt.ArrayLike) -> FloatArray:
    """Ranks from 1, ties given their mean rank (scipy.stats.rankdata)."""
    return _scipy_stats().rankdata(values)


def _unwrap(values: FloatArray) -> FloatOrArray:
    """A 0-d array becomes a numpy float; any other array is returned as is."""
    return values[()]


def _counts(successes: npt.ArrayLike, trials: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Broadcast successes and trials to float arrays and check 0 ≤ successes ≤ trials."""
    x, n = np.broadcast_arrays(np.asarray(successes, dtype=float), np.asarray(trials, dtype=float))
    bad = (x < 0) | (n < 0) | (x > n)  # comparisons with NaN are False: NaN passes through
    if np.any(bad):
        raise ValueError("successes and trials must satisfy 0 ≤ successes ≤ trials")
    return x, n


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (exclusive), got {level}")


def _check_prior(alpha: float, beta: float) -> None:
    if not (alpha > 0 and beta > 0):
        raise ValueError(f"the beta prior needs alpha > 0 and beta > 0, got ({alpha}, {beta})")


# --- Proportions -------------------------------------------------------------------------


def wilson_interval(
    successes: npt.ArrayLike, trials: npt.ArrayLike, z: float = Z_95
) -> tuple[FloatOrArray, FloatOrArray]:
    """Wilson score interval for a proportion, without continuity correction.

    Source: Wilson (1927), "Probable inference, the law of succession, and statistical
    inference", JASA 22:209–212 (docs/METHODS.md, "Wilson score interval"). With p = x/n:

        centre = (p + z²/2n) / (1 + z²/n)
        half   = z / (1 + z²/n) · √(p(1 − p)/n + z²/4n²)

    Vectorised over successes and trials; trials == 0 gives (nan, nan) and NaN inputs
    propagate. Rank by the lower bound where a rate from few cases would otherwise rank high.
    """
    if not z > 0:
        raise ValueError(f"z must be positive, got {z}")
    x, n = _counts(successes, trials)
    n = np.where(n > 0, n, np.nan)
    p = x / n
    z2_over_n = z * z / n
    shrink = 1 + z2_over_n
    centre = (p + z2_over_n / 2) / shrink
    half = z / shrink * np.sqrt(p * (1 - p) / n + z2_over_n / (4 * n))
    return _unwrap(np.clip(centre - half, 0, 1)), _unwrap(np.clip(centre + half, 0, 1))


def fit_beta_prior(successes: npt.ArrayLike, trials: npt.ArrayLike) -> tuple[float, float]:
    """Fit a Beta(α, β) prior to a group of rates by the method of moments.

    Empirical-Bayes beta-binomial shrinkage (docs/METHODS.md; cf. Robinson, "Introduction to
    Empirical Bayes", 2017, which fits the same prior). The estimator is a beta-binomial
    moment estimator with binomial weights n_i, of the kind introduced by Kleinman (1973,
    "Proportions with extraneous variance", JASA 68:46–54); unlike moments of the raw rates
    it separates the spread between units from binomial noise. For k units with x_i of n_i,
    N = Σn_i, p̂ = Σx_i/N and S = Σ n_i (x_i/n_i − p̂)², the beta-binomial model with
    intra-unit correlation ρ = 1/(α + β + 1) gives

        E[S] = p̂(1 − p̂) · [(k − 1) + ρ · (N − Σn_i²/N − (k − 1))],

    solved for ρ̂; then α + β = 1/ρ̂ − 1, α = p̂(α + β), β = (1 − p̂)(α + β).

    Units with trials 0 or NaN are ignored. Guards:
    - fewer than 2 units, or only single-trial units (the spread is not identifiable):
      the weak uniform prior Beta(1, 1);
    - no spread beyond binomial noise (ρ̂ ≤ 0, including a pooled rate of exactly 0 or 1):
      the strongest prior allowed, α + β = N;
    - otherwise α + β is clamped to [2, N]: a prior never counts for more trials than the
      whole group observed, nor for fewer than the uniform prior.
    A pooled rate of 0 or 1 is smoothed to (Σx + ½)/(N + 1) so that α, β > 0.
    """
    x, n = _counts(successes, trials)
    observed = np.isfinite(x) & np.isfinite(n) & (n > 0)
    x, n = x[observed], n[observed]
    if x.size < 2:
        return WEAK_PRIOR
    total = float(n.sum())
    noise_df = x.size - 1
    rho_weight = total - float(np.sum(n**2)) / total - noise_df  # ρ's coefficient in E[S]
    if rho_weight <= 1e-9:  # e.g. single-trial units: the spread is not identifiable
        return WEAK_PRIOR
    pooled = float(x.sum()) / total
    max_strength = max(total, MIN_PRIOR_STRENGTH)
    if pooled in (0.0, 1.0):
        return _beta_from_mean((float(x.sum()) + 0.5) / (total + 1), max_strength)
    spread = float(np.sum(n * (x / n - pooled) ** 2))
    rho = (spread / (pooled * (1 - pooled)) - noise_df) / rho_weight
    strength = 1 / rho - 1 if rho > 0 else math.inf
    return _beta_from_mean(pooled, min(max(strength, MIN_PRIOR_STRENGTH), max_strength))


def _beta_from_mean(mean: float, strength: float) -> tuple[float, float]:
    return mean * strength, (1 - mean) * strength


def shrink_rate(
    successes: npt.ArrayLike, trials: npt.ArrayLike, alpha: float, beta: float
) -> FloatOrArray:
    """Posterior mean (x + α)/(n + α + β) of a rate under a Beta(α, β) prior.

    Empirical-Bayes beta-binomial shrinkage (docs/METHODS.md, "Small samples"; Robinson 2017).
    A unit with 0 trials gets the prior mean α/(α + β); NaN propagates.
    """
    _check_prior(alpha, beta)
    x, n = _counts(successes, trials)
    return _unwrap((x + alpha) / (n + alpha + beta))


def beta_credible_interval(
    successes: npt.ArrayLike,
    trials: npt.ArrayLike,
    alpha: float,
    beta: float,
    level: float = 0.95,
) -> tuple[FloatOrArray, FloatOrArray]:
    """Equal-tailed credible interval of the posterior Beta(x + α, n − x + β).

    The conjugate posterior of the beta-binomial model (docs/METHODS.md, "Credible intervals"),
    evaluated with the inverse regularised incomplete beta function (scipy.special.betaincinv,
    what scipy.stats.beta.ppf computes) at (1 − level)/2 and (1 + level)/2.
    """
    _check_prior(alpha, beta)
    _check_level(level)
    x, n = _counts(successes, trials)
    a, b = x + alpha, n - x + beta
    lo = special.betaincinv(a, b, (1 - level) / 2)
    hi = special.betaincinv(a, b, (1 + level) / 2)
    return _unwrap(np.asarray(lo, dtype=float)), _unwrap(np.asarray(hi, dtype=float))


# --- Mean ratings --------------------------------------------------------------------------


def bayesian_average(
    total: npt.ArrayLike, count: npt.ArrayLike, prior_mean: float, prior_weight: float
) -> FloatOrArray:
    """Bayesian average of a mean rating: (C·m + Σr)/(m + n).

    docs/METHODS.md, "Small samples": C the group mean (prior_mean), m the prior weight in
    ratings, Σr the unit's rating total and n its number of ratings. With n = 0 the result
    is C; with m = n = 0 it is NaN.
    """
    if not prior_weight >= 0:
        raise ValueError(f"prior_weight must be ≥ 0, got {prior_weight}")
    r_sum, n = np.broadcast_arrays(np.asarray(total, dtype=float), np.asarray(count, dtype=float))
    if np.any(n < 0):
        raise ValueError("count must be ≥ 0")
    with np.errstate(invalid="ignore", divide="ignore"):
        return _unwrap((prior_mean * prior_weight + r_sum) / (prior_weight + n))


def bayesian_average_interval(
    total: npt.ArrayLike,
    sum_squares: npt.ArrayLike,
    count: npt.ArrayLike,
    prior_mean: float,
    prior_weight: float,
    level: float = 0.95,
) -> tuple[FloatOrArray, FloatOrArray]:
    """Approximate interval around the Bayesian average: mean ± z·s/√(n + m).

    This is the normal–normal conjugate model behind the Bayesian average (docs/METHODS.md):
    ratings ~ N(θ, σ²) and the prior θ ~ N(C, σ²/m), i.e. the prior is worth m ratings, so
    θ | data ~ N((C·m + Σr)/(m + n), σ²/(m + n)). σ is estimated by s, the pooled
    within-unit standard deviation of all units passed in the call (for one unit, its own
    sample sd): s² = Σ(Σr² − (Σr)²/n) / Σ(n − 1) over units with n ≥ 2. Pass every unit of
    the group in one call so that units with 0 or 1 rating borrow the group's spread.
    z is the normal quantile for `level`; the interval is not clipped to the rating scale.
    NaN when no unit has 2 ratings or the unit's own inputs are NaN.
    """
    _check_level(level)
    r_sum, r_sq, n = np.broadcast_arrays(
        np.asarray(total, dtype=float),
        np.asarray(sum_squares, dtype=float),
        np.asarray(count, dtype=float),
    )
    centre = np.asarray(bayesian_average(r_sum, n, prior_mean, prior_weight), dtype=float)
    sd = _pooled_within_sd(r_sum, r_sq, n)
    with np.errstate(divide="ignore", invalid="ignore"):  # m = n = 0: the centre is NaN too
        half = normal_quantile((1 + level) / 2) * sd / np.sqrt(n + prior_weight)
    return _unwrap(centre - half), _unwrap(centre + half)


def _pooled_within_sd(r_sum: FloatArray, r_sq: FloatArray, n: FloatArray) -> float:
    """Pooled within-unit sd: √(Σ(Σr² − (Σr)²/n) / Σ(n − 1)) over units with n ≥ 2."""
    usable = np.isfinite(r_sum) & np.isfinite(r_sq) & (n >= 2)
    degrees = float(np.sum(n[usable] - 1))
    if degrees == 0:
        return math.nan
    within = float(np.sum(r_sq[usable] - r_sum[usable] ** 2 / n[usable]))
    return math.sqrt(max(within, 0.0) / degrees)


# --- Kano questionnaire -------------------------------------------------------------------

KANO_ANSWERS = {1: "like", 2: "must-be", 3: "neutral", 4: "live-with", 5: "dislike"}
KANO_CATEGORIES = ("A", "O", "M", "I", "R", "Q")
KANO_LABELS = {
    "A": {"en": "Attractive", "zh": "吸引"},
    "O": {"en": "One-dimensional", "zh": "单向"},
    "M": {"en": "Must-be", "zh": "必备"},
    "I": {"en": "Indifferent", "zh": "无差异"},
    "R": {"en": "Reverse", "zh": "反向"},
    "Q": {"en": "Questionable", "zh": "可疑"},
}
# Rows: functional answer 1..5, columns: dysfunctional (docs/METHODS.md, "Kano questionnaire").
_KANO_TABLE = ("QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ")
# Tie-break within 5 points: M > O > A > I, then R and Q (docs/METHODS.md, "Kano questionnaire").
KANO_TIE_BREAK = ("M", "O", "A", "I", "R", "Q")
KANO_TIE_POINTS = 5
FONG_Z = 1.65


@dataclass(frozen=True)
class KanoResult:
    """Classification of one service factor from its questionnaire answers.

    counts: answers per category (all six keys); n: answers classified;
    category: the factor's category; strength: top share − second share, in percentage
    points; total_strength: %A + %O + %M; significant: Fong's test; better and worse:
    the satisfaction coefficients (worse is ≤ 0).
    """

    counts: dict[str, int]
    n: int
    category: str
    strength: float
    total_strength: float
    significant: bool
    better: float
    worse: float


def _kano_answer(answer: float) -> int:
    if isinstance(answer, bool) or answer not in KANO_ANSWERS:
        raise ValueError(f"a Kano answer must be one of 1..5, got {answer!r}")
    return int(answer)


def kano_category(functional: int, dysfunctional: int) -> str:
    """Category (A, O, M, I, R or Q) of one functional/dysfunctional answer pair.

    The Kano evaluation table (docs/METHODS.md, "Kano questionnaire"; Kano et al. 1984;
    Berger et al. 1993), answers 1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike.
    """
    return _KANO_TABLE[_kano_answer(functional) - 1][_kano_answer(dysfunctional) - 1]


def kano_summary(
    functional_answers: npt.ArrayLike, dysfunctional_answers: npt.ArrayLike
) -> KanoResult:
    """Classify a service factor from all its answer pairs.

    Sources (docs/METHODS.md): Berger et al. (1993) for the most-frequent category and the
    tie-break M > O > A > I when the top categories are within 5 percentage points
    (inclusive; R and Q rank after I); Matzler et al. (1996) for category strength and total
    strength; Fong's test: not significant when |a − b| < 1.65·√((a + b)(2n − a − b)/(2n)),
    a and b the two largest counts and n all answers; Better = (A + O)/(A + O + M + I),
    Worse = −(O + M)/(A + O + M + I) (NaN when that denominator is 0).
    Pairs with a missing answer (NaN or None) are skipped; no answers at all is an error.
    """
    functional = np.asarray(functional_answers, dtype=float)
    dysfunctional = np.asarray(dysfunctional_answers, dtype=float)
    if functional.shape != dysfunctional.shape:
        raise ValueError("functional and dysfunctional answers must have the same length")
    answered = ~(np.isnan(functional) | np.isnan(dysfunctional))
    pairs = zip(functional[answered], dysfunctional[answered], strict=True)
    labels = [kano_category(f, d) for f, d in pairs]
    n = len(labels)
    if n == 0:
        raise ValueError("no answered Kano question pairs to summarise")
    counts = {c: labels.count(c) for c in KANO_CATEGORIES}
    first, second = sorted(counts.values(), reverse=True)[:2]
    return KanoResult(
        counts=counts,
        n=n,
        category=_kano_top_category(counts, n),
        strength=100 * (first - second) / n,
        total_strength=100 * (counts["A"] + counts["O"] + counts["M"]) / n,
        significant=_fong_significant(first, second, n),
        better=_kano_coefficient(counts["A"] + counts["O"], counts),
        worse=-_kano_coefficient(counts["O"] + counts["M"], counts),
    )


def _kano_top_category(counts: dict[str, int], n: int) -> str:
    """Most frequent category; within 5 points of the top, the tie-break order decides."""
    top = max(counts.values())
    # (top − c)/n ≤ 5/100, in integers so that exactly 5 points is a tie
    close = [c for c in KANO_CATEGORIES if (top - counts[c]) * 100 <= KANO_TIE_POINTS * n]
    return min(close, key=KANO_TIE_BREAK.index)


def _fong_significant(a: int, b: int, n: int) -> bool:
    """Fong's test: significant unless |a − b| < 1.65·√((a + b)(2n − a − b)/(2n))."""
    return abs(a - b) >= FONG_Z * math.sqrt((a + b) * (2 * n - a - b) / (2 * n))


def _kano_coefficient(numerator: int, counts: dict[str, int]) -> float:
    relevant = counts["A"] + counts["O"] + counts["M"] + counts["I"]
    return numerator / relevant if relevant else math.nan


# --- Before/after comparisons ---------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonResult:
    """Outcome of a two-group test: the statistic, its two-sided p-value and an effect size.

    effect_name says what `effect` measures and in which direction (a versus b).
    """

    statistic: float
    p_value: float
    effect: float
    effect_name: str


def _observed(values: npt.ArrayLike) -> FloatArray:
    """The values as a 1-D float array with the missing (NaN) ones dropped."""
    array = np.asarray(values, dtype=float).ravel()
    return array[~np.isnan(array)]


def welch_t_test(a: npt.ArrayLike, b: npt.ArrayLike) -> ComparisonResult:
    """Welch's unequal-variance t-test of mean(a) = mean(b), two-sided.

    docs/METHODS.md, "Before/after evaluation": scipy.stats.ttest_ind(a, b, equal_var=False).
    effect = mean(a) − mean(b), the same sign as the statistic. Missing values are dropped;
    with fewer than 2 values in a group statistic and p-value are NaN.
    """
    a, b = _observed(a), _observed(b)
    name = "difference of means (a − b)"
    effect = float(a.mean() - b.mean()) if a.size and b.size else math.nan
    if a.size < 2 or b.size < 2:
        return ComparisonResult(math.nan, math.nan, effect, name)
    result = _scipy_stats().ttest_ind(a, b, equal_var=False)
    return ComparisonResult(float(result.statistic), float(result.pvalue), effect, name)


def two_proportion_z_test(x1: float, n1: float, x2: float, n2: float) -> ComparisonResult:
    """Two-proportion z-test with the pooled standard error, two-sided.

    docs/METHODS.md, "Before/after evaluation". p = (x1 + x2)/(n1 + n2),
    SE = √(p(1 − p)(1/n1 + 1/n2)), z = (x1/n1 − x2/n2)/SE, p-value = 2·(1 − Φ(|z|)).
    effect = x1/n1 − x2/n2. When the pooled rate is 0 or 1 the groups are identical:
    z = 0, p = 1. An empty group gives NaN.
    """
    name = "difference of proportions (1 − 2)"
    (x1, x2), (n1, n2) = _counts([x1, x2], [n1, n2])
    if not (n1 > 0 and n2 > 0) or math.isnan(x1 + x2):
        return ComparisonResult(math.nan, math.nan, math.nan, name)
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (p1 - p2) / se if se > 0 else 0.0
    p_value = 2 * normal_tail(abs(z))
    return ComparisonResult(float(z), p_value, float(p1 - p2), name)


def mann_whitney_u(a: npt.ArrayLike, b: npt.ArrayLike) -> ComparisonResult:
    """Mann–Whitney U test, two-sided, for skewed data such as response times.

    docs/METHODS.md, "Before/after evaluation": scipy.stats.mannwhitneyu(a, b). The statistic is
    U of a (pairs with a > b, ties counted ½); effect = U/(n_a·n_b), the probability that a
    value of a exceeds one of b (ties ½): 0.5 means no shift. Missing values are dropped;
    an empty group gives NaN.
    """
    a, b = _observed(a), _observed(b)
    name = "probability a > b (ties ½)"
    if a.size == 0 or b.size == 0:
        return ComparisonResult(math.nan, math.nan, math.nan, name)
    result = _scipy_stats().mannwhitneyu(a, b, alternative="two-sided")
    u = float(result.statistic)
    return ComparisonResult(u, float(result.pvalue), u / (a.size * b.size), name)


def difference_in_differences(
    t_before: float, t_after: float, c_before: float, c_after: float
) -> float:
    """Difference-in-differences: (T_after − T_before) − (C_after − C_before).

    docs/METHODS.md, "Before/after evaluation": T the treated team's and C the untouched control
    team's value (mean or rate) before and after the change. NaN propagates.
    """
    return float((t_after - t_before) - (c_after - c_before))
