## NCHS Data Presentation Standards for Proportions (Parker et al. 2017, Vital Health Stat 2(175))
## -> reliability.json
## Run from the repository root: Rscript test/reference/reliability.R
##
## 1. `svyciprop`: proportions on real designs, with svymean's estimate and SE, nrow, degf and
##    svyciprop(method = "beta") (Korn-Graubard with the df adjustment): where the adjusted
##    effective sample size is below nrow, the standard's interval is R's.
## 2. `grid`: the standard computed here in R from its definitions (qt, qbeta), for proportions
##    chosen to meet each rule (and the two examples in NCHS's KG-interval script: 1,654 men at
##    5.51% SE 0.646, 1,674 women at 10.05% SE 0.804), with and without a df adjustment.
source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

targets <- list(
  list(key = "dclus1-schwideYes", design = "dclus1", subset = NULL, indicator = cond("sch.wide", "==", "Yes")),
  list(key = "dclus1-stypeH", design = "dclus1", subset = NULL, indicator = cond("stype", "==", "H")),
  list(key = "dstrat-awardsYes", design = "dstrat", subset = NULL, indicator = cond("awards", "==", "Yes")),
  list(key = "dstrat[stype.eq.H]-awardsYes", design = "dstrat", subset = list(cond("stype", "==", "H")),
       indicator = cond("awards", "==", "Yes")),
  list(key = "dclus2-yrrndYes", design = "dclus2", subset = NULL, indicator = cond("yr.rnd", "==", "Yes")),
  list(key = "dpoll[support.notNA]-support", design = "dpoll", subset = list(cond("support", "notNA")),
       indicator = cond("support", "==", 1)),
  list(key = "dpoll[region.eq.North+support.notNA]-support", design = "dpoll",
       subset = list(cond("region", "==", "North"), cond("support", "notNA")),
       indicator = cond("support", "==", 1))
)

cases <- list()
for (tg in targets) {
  base <- make_design(tg$design)
  d <- apply_subset(base, tg$subset)
  f <- as.formula(sprintf("~I(%s)", subset_rexpr(list(tg$indicator))))
  m <- svymean(f, d)
  p <- unname(coef(m))[2]
  se <- unname(sqrt(diag(vcov(m))))[2]
  r <- svyciprop(f, d, method = "beta")
  n <- nrow(d)
  neff <- p * (1 - p) / se^2 * (qt(0.025, n - 1) / qt(0.025, degf(d)))^2
  cases[[length(cases) + 1]] <- list(
    key = tg$key, design = tg$design, subset = if (is.null(tg$subset)) NA else tg$subset,
    indicator = tg$indicator, estimate = p, se = se, n = n, degf = degf(d),
    effectiveNdf = neff, capped = neff > n,
    ci = I(unname(as.numeric(attr(r, "ci")))))
}

## The standard, from its definitions.
nchs <- function(p, se, n, df = NA, level = 0.95) {
  alpha <- 1 - level
  edge <- p == 0 || p == 1
  raw <- if (edge || se == 0) n else p * (1 - p) / se^2
  neff <- min(n, raw)
  adj <- if (is.na(df) || n < 2) 1 else (qt(1 - alpha / 2, n - 1) / qt(1 - alpha / 2, df))^2
  neffdf <- min(n, raw * adj)
  x <- p * neffdf
  lo <- if (p == 0) 0 else qbeta(alpha / 2, x, neffdf - x + 1)
  hi <- if (p == 1) 1 else qbeta(1 - alpha / 2, x + 1, neffdf - x)
  w <- hi - lo
  rw <- if (p == 0) Inf else w / p
  cw <- if (p == 1) Inf else w / (1 - p)
  reasons <- character(0)
  if (neff < 30) reasons <- "effective-sample-size" else
  if (w >= 0.30) reasons <- "ci-width" else
  if (w > 0.05 && rw > 1.30) reasons <- "relative-ci-width"
  flag <- if (length(reasons)) "suppress" else NA
  if (is.na(flag)) {
    if (!is.na(df) && df < 8) reasons <- c(reasons, "degrees-of-freedom")
    if (edge) reasons <- c(reasons, "zero-or-one")
    if (length(reasons)) flag <- "review"
    if (w > 0.05 && cw > 1.30) {
      reasons <- c(reasons, "complement")
      if (is.na(flag)) flag <- "footnote"
    }
  }
  list(estimate = p, se = se, n = n, df = df, level = level, flag = flag, reasons = I(reasons),
       effectiveN = neff, effectiveNdf = neffdf, ci = I(c(lo, hi)), ciWidth = w,
       relativeCiWidth = if (is.finite(rw)) rw else "Inf",
       complementRelativeCiWidth = if (is.finite(cw)) cw else "Inf")
}

grid <- list(
  nchs(0.0551, 0.00646, 1654),                 # NCHS script example: men
  nchs(0.1005, 0.00804, 1674),                 # NCHS script example: women
  nchs(0.0551, 0.00646, 1654, df = 15),
  nchs(0.04, 0.04, 60, df = 20),               # effective n 24
  nchs(0.5, 0.09, 40, df = 30),                # n_eff capped at 30.9 -> n; interval >= 30 points
  nchs(0.06, 0.025, 400, df = 40),             # relative width > 130%
  nchs(0.03, 0.01, 2000, df = 100),            # narrow: presented whatever its relative width
  nchs(0.92, 0.035, 150, df = 50),             # complement footnote
  nchs(0.35, 0.03, 900, df = 5),               # df review
  nchs(0, 0, 120, df = 60),                    # 0%: review
  nchs(1, 0, 45),                              # 100%: review
  nchs(0.2, 0.005, 200, df = 30),              # deff < 1: effective n capped at n
  nchs(0.25, 0.02, 1200, df = 100, level = 0.9)
)

out <- list(
  meta = meta("reliability", notes = c(
    "svyciprop[]: svymean(~I(indicator), d) gives estimate and se (the TRUE column), n = nrow(d), degf = degf(d); ci = attr(svyciprop(~I(indicator), d, method = 'beta'), 'ci') (Korn-Graubard with n.eff * (qt(0.025, n - 1) / qt(0.025, degf))^2); capped: that adjusted effective n exceeds n, where the NCHS standard caps it at n and R does not",
    "grid[]: the NCHS standard computed in R from its definitions (qt, qbeta): effectiveN = min(n, p(1-p)/se^2) (n for p in {0, 1}), effectiveNdf = min(n, p(1-p)/se^2 * (qt(1-a/2, n-1)/qt(1-a/2, df))^2) (no adjustment without df), Clopper-Pearson on effectiveNdf; flag/reasons by steps 1-4; 'Inf' for an infinite relative width; df NA = none"
  )),
  svyciprop = cases,
  grid = grid
)
write_ref(out, "reliability")
