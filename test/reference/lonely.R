## Lonely PSU handling (scenarios of survey's tests/lonely.psu.R) -> lonely.json
## Run from the repository root: Rscript test/reference/lonely.R
source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

lonely_opts <- c("fail", "remove", "certainty", "adjust", "average")

## scenario: design name, optional subset (domain), adjust.domain.lonely values to run
scenarios <- list(
  list(id = "bydesign", design = "dlonely", subset = NULL, adjustDomain = FALSE,
       description = "stratum dnum=413 has a single PSU in the sample (no fpc)"),
  list(id = "fpc", design = "dlonely_fpc", subset = NULL, adjustDomain = FALSE,
       description = "as bydesign, with fpc: lfpc = 1 for dnum=413 (a certainty PSU: population of 1 PSU), 1000 otherwise"),
  list(id = "domain", design = "dlonely_no413", subset = list(cond("snum", "!=", 2093L)), adjustDomain = c(FALSE, TRUE),
       description = paste("design on apiclus1 without dnum 413; the domain drops school snum 2093 (row 31, R: ds[-31,]),",
                           "so stratum dnum=406 has 2 PSUs in the design but only 1 in the domain")),
  list(id = "domain-poll", design = "dpoll", subset = list(cond("region", "!=", "North"), cond("psu", "<=", 1L)),
       adjustDomain = c(FALSE, TRUE),
       description = "poll domain with exactly one PSU (psu 1) in each of the 5 non-North strata; North absent from the domain"),
  list(id = "domain-poll-partial", design = "dpoll",
       subset = list(cond("psu", "!=", 2L)),
       adjustDomain = c(FALSE, TRUE),
       description = "poll domain without psu 2 in every stratum (the other PSUs remain); control case with no lonely PSU")
)

vars <- list(dlonely = c("api00", "enroll"), dlonely_fpc = c("api00", "enroll"), dlonely_no413 = c("api00", "enroll"),
             dpoll = c("support", "income"))

capture <- function(expr) {
  warns <- character(0)
  val <- withCallingHandlers(
    tryCatch(expr, error = function(e) structure(list(msg = conditionMessage(e)), class = "caught_error")),
    warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") })
  list(value = val, warnings = unique(warns))
}

## survey >= 4.4 changed 'adjust' (the fix surveykit follows): a lonely PSU's total -- or, with
## survey.adjust.domain.lonely, the PSU totals of a stratum with one PSU in the domain, the absent
## PSUs as zeros -- is centred at the grand mean m = (sum of every PSU total) / (PSUs sampled in
## the strata with rows), where survey 4.1.1 centres it at 0. Written here from that rule (not
## survey's code), for these one-stage designs: per stratum h the rule applies to, the variance
## changes by scale_h * (n_h m^2 - 2 m S_h) (S_h the sum of the stratum's PSU totals, n_h its PSUs
## in the design, scale_h = f_h n_h/(n_h - 1), or f_h for n_h = 1), which is
## scale_h * sum_c [(T_c - m)^2 - T_c^2]. NULL when the rule changes nothing (m = 0 for a mean
## whose influence values sum to zero is a change of ~1e-30, kept).
adjust_fixed_se <- function(d, v, st, narm, adj) {
  dd <- if (narm) d[!is.na(d$variables[[v]]), ] else d
  FUN <- switch(st, mean = svymean, total = svytotal)
  r <- FUN(as.formula(paste0("~", v)), dd, influence = TRUE)
  infl <- as.vector(attr(r, "influence"))
  psu <- dd$cluster[, 1]; h <- as.character(dd$strata[, 1])
  nh <- tapply(dd$fpc$sampsize[, 1], h, `[`, 1)
  f <- rep(1, length(nh)); names(f) <- names(nh)
  if (!is.null(dd$fpc$popsize)) {
    Nh <- tapply(dd$fpc$popsize[, 1], h, `[`, 1)
    f <- ifelse(is.finite(Nh), (Nh - nh) / Nh, 1)
  }
  totals <- rowsum(infl, psu)[, 1]
  psu_stratum <- tapply(h, psu, `[`, 1)[names(totals)]
  m <- sum(totals) / sum(nh)
  change <- 0
  for (s in names(nh)) {
    if (f[[s]] < 1e-7) next
    present <- length(unique(psu[h == s]))
    lonely <- nh[[s]] == 1 || (adj && present == 1)
    if (!lonely) next
    scale <- if (nh[[s]] > 1) f[[s]] * nh[[s]] / (nh[[s]] - 1) else f[[s]]
    S <- sum(totals[psu_stratum == s])
    change <- change + scale * (nh[[s]] * m^2 - 2 * m * S)
  }
  sqrt(as.numeric(vcov(r)) + change)
}

cases <- list()
for (sc in scenarios) {
  base <- make_design(sc$design)
  d <- apply_subset(base, sc$subset)
  dexpr <- if (is.null(sc$subset)) sc$design else sprintf("subset(%s, %s)", sc$design, subset_rexpr(sc$subset))
  for (adj in sc$adjustDomain) for (opt in lonely_opts) for (v in vars[[sc$design]]) for (st in c("mean", "total")) {
    options(survey.lonely.psu = opt, survey.adjust.domain.lonely = adj)
    x <- d$variables[[v]]
    inset <- weights(d, "sampling") != 0
    narm <- any(is.na(x[inset]))
    FUN <- switch(st, mean = svymean, total = svytotal)
    res <- capture(FUN(as.formula(paste0("~", v)), d, na.rm = narm))
    r <- res$value
    err <- inherits(r, "caught_error")
    cases[[length(cases) + 1]] <- list(
      id = sprintf("%s-%s%s-%s-%s", sc$id, opt, if (adj) "-adjdomain" else "", st, v),
      scenario = sc$id,
      design = sc$design,
      subset = if (is.null(sc$subset)) NA else sc$subset,
      lonelyPsu = opt,
      adjustDomainLonely = adj,
      call = sprintf("options(survey.lonely.psu=\"%s\", survey.adjust.domain.lonely=%s); svy%s(~%s, %s%s)",
                     opt, adj, st, v, dexpr, if (narm) ", na.rm=TRUE" else ""),
      statistic = st,
      variable = v,
      naRm = narm,
      n = sum(!is.na(x[inset])),
      nMissing = sum(is.na(x[inset])),
      degf = degf(d),
      error = if (err) r$msg else NA,
      warnings = I(res$warnings),
      estimate = if (err) NA else vec(coef(r)),
      se = if (err) NA else vec(SE(r)),
      seFixed = if (err || opt != "adjust") NA else vec(adjust_fixed_se(d, v, st, narm, adj))
    )
  }
}
options(survey.lonely.psu = "fail", survey.adjust.domain.lonely = FALSE)

## stratum sizes (PSUs in sample) for each scenario, to make the setups inspectable
strata_info <- lapply(scenarios, function(sc) {
  base <- make_design(sc$design)
  d <- apply_subset(base, sc$subset)
  ## note: subset() of a survey.design2 drops the rows but keeps fpc$sampsize (PSUs per stratum in the design)
  sb <- as.character(base$strata[, 1]); clb <- base$cluster[, 1]
  inset <- weights(d, "sampling") != 0
  s <- as.character(d$strata[, 1])[inset]; cl <- d$cluster[inset, 1]
  st <- sort(unique(sb))
  list(scenario = sc$id, description = sc$description, design = sc$design,
       subset = if (is.null(sc$subset)) NA else sc$subset,
       strata = strs(st),
       psusInDesign = vec(sapply(st, function(h) length(unique(clb[sb == h])))),
       psusInDomain = vec(sapply(st, function(h) length(unique(cl[s == h])))))
})

out <- list(
  meta = meta("lonely", notes = c(
    "R's default survey.lonely.psu is 'fail'; survey.adjust.domain.lonely defaults to FALSE",
    "error: the error message when R stops (estimate and se are then null); warnings: warning messages R emitted",
    "with adjustDomainLonely=FALSE a stratum that has one PSU only inside a domain contributes 0 variance, whatever survey.lonely.psu says (no error for 'fail')",
    "estimate/se are 1-element arrays; a null inside se means R returned NaN (e.g. 'average' with adjustDomainLonely when no stratum has 2+ PSUs in the domain)",
    "strata in scenarios[].strata are sorted as strings; psusInDesign counts PSUs per stratum in the whole design, psusInDomain within the subset",
    "seFixed ('adjust' cases only): the SE under survey >= 4.4's 'adjust' rule (a lonely PSU centred at the grand mean of the PSU totals, not at 0), computed by adjust_fixed_se in lonely.R from that rule; surveykit follows it, so the tests compare to seFixed where it is given (se stays survey 4.1.1's answer)"
  )),
  designs = specs_json(sapply(scenarios, `[[`, "design")),
  scenarios = strata_info,
  cases = cases
)
write_ref(out, "lonely")
