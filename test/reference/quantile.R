## svyquantile (survey >= 4.1 "new" svyquantile) -> quantile.json
## Run from the repository root: Rscript test/reference/quantile.R
source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

probs <- c(0.1, 0.25, 0.5, 0.75, 0.9)
f_args <- formals(survey:::svyquantile.survey.design)
all_qrules <- eval(f_args$qrule)          # math school shahvaish hf1..hf9 ; default "math"
all_itypes <- eval(f_args$interval.type)  # mean beta xlogit asin score ; default "mean"

targets <- list(
  list(design = "dclus1", subset = NULL, var = "api00"),
  list(design = "dclus1", subset = NULL, var = "enroll"),
  list(design = "dstrat", subset = NULL, var = "api00"),
  list(design = "dstrat", subset = NULL, var = "enroll"),
  list(design = "dclus2", subset = NULL, var = "api00"),
  list(design = "dclus2", subset = NULL, var = "enroll"),          # 6 NA -> na.rm=TRUE
  list(design = "dclus2_nofpc", subset = NULL, var = "api00"),
  list(design = "dpoll", subset = NULL, var = "income"),            # NA -> na.rm=TRUE
  list(design = "dpoll2", subset = NULL, var = "income"),
  list(design = "dpoll", subset = list(cond("region", "==", "Capital")), var = "income"),
  list(design = "dclus1", subset = list(cond("stype", "==", "E")), var = "api00")
)

## variants: (qrule, interval.type, alpha, df) ; df NA = R default (degf of the design after na.rm)
variants <- c(
  lapply(all_qrules, function(q) list(qrule = q, itype = "mean", alpha = 0.05, df = NA)),
  lapply(setdiff(all_itypes, "mean"), function(it) list(qrule = "math", itype = it, alpha = 0.05, df = NA)),
  list(list(qrule = "math", itype = "mean", alpha = 0.10, df = NA),
       list(qrule = "math", itype = "mean", alpha = 0.05, df = Inf),
       list(qrule = "school", itype = "beta", alpha = 0.05, df = NA),
       list(qrule = "hf7", itype = "score", alpha = 0.05, df = NA))
)

fnum <- function(x) format(x, digits = 15)
cases <- list()
for (tg in targets) {
  base <- make_design(tg$design)
  d <- apply_subset(base, tg$subset)
  dexpr <- if (is.null(tg$subset)) tg$design else sprintf("subset(%s, %s)", tg$design, subset_rexpr(tg$subset))
  x <- d$variables[[tg$var]]
  narm <- any(is.na(x))
  df_default <- if (narm) degf(d[!is.na(x), ]) else degf(d)
  for (vr in variants) {
    args <- list(as.formula(paste0("~", tg$var)), d, quantiles = probs, alpha = vr$alpha,
                 interval.type = vr$itype, qrule = vr$qrule, na.rm = narm, ci = TRUE)
    if (!is.na(vr$df)) args$df <- vr$df
    warns <- character(0)
    r <- withCallingHandlers(do.call(svyquantile, args),
                             warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") })
    m <- r[[1]]
    stopifnot(ncol(m) == 4)
    is_default <- vr$qrule == "math" && vr$itype == "mean" && vr$alpha == 0.05 && is.na(vr$df)
    cases[[length(cases) + 1]] <- list(
      id = sprintf("%s%s-%s-%s-%s-a%g%s", tg$design,
                   if (is.null(tg$subset)) "" else sprintf("[%s]", subset_rexpr(tg$subset)),
                   tg$var, vr$qrule, vr$itype, vr$alpha, if (is.na(vr$df)) "" else "-dfInf"),
      design = tg$design,
      subset = if (is.null(tg$subset)) NA else tg$subset,
      variable = tg$var,
      isDefault = is_default,
      call = sprintf("svyquantile(~%s, %s, quantiles=c(%s), alpha=%g, interval.type=\"%s\", qrule=\"%s\"%s%s)",
                     tg$var, dexpr, paste(probs, collapse = ", "), vr$alpha, vr$itype, vr$qrule,
                     if (narm) ", na.rm=TRUE" else "", if (is.na(vr$df)) "" else ", df=Inf"),
      qrule = vr$qrule,
      intervalType = vr$itype,
      alpha = vr$alpha,
      level = 1 - vr$alpha,
      df = if (is.na(vr$df)) df_default else "Inf",
      naRm = narm,
      n = sum(!is.na(x)),
      nMissing = sum(is.na(x)),
      degf = degf(d),
      probs = vec(probs),
      quantile = vec(m[, 1]),
      ci = ivals(m[, 2:3, drop = FALSE]),
      se = vec(m[, 4]),
      fixed = fixed_quantiles(vr$qrule, m, function() suppressWarnings(do.call(svyquantile, args))[[1]]),
      warnings = I(unique(warns)),
      knownIssue = if (vr$qrule == "shahvaish") paste(
        "survey 4.1.1 qrule_shahvaish computes pk <- (S + 0.5 - w/2)/(n + 1) with S = cumsum(w/mean(w)) but the",
        "UNnormalised w in w/2; with large weights (e.g. the poll, ~1000) quantiles are not even monotone in p.",
        "These values reproduce R as is.") else NA
    )
  }
}

out <- list(
  meta = meta("quantile", notes = c(
    "survey 4.1.1 svyquantile.survey.design: defaults qrule='math', interval.type='mean' (Woodruff), alpha=0.05, df=degf(design)",
    "qrules available: math school shahvaish hf1..hf9; interval types: mean beta xlogit asin score (score = Fuller's test inversion)",
    "arrays quantile/ci/se are parallel to probs; ci = [[lower, upper], ...]",
    "se = (upper - lower) / (2 * qt(1 - alpha/2, df)) (qnorm when df=Inf): it is derived from the CI",
    "df: the df R used. With na.rm=TRUE svyquantile computes degf() AFTER dropping NA rows (design[!is.na(x),]), which can be smaller than degf(design) (see dclus2 enroll: 37 vs 39); degf field = degf of the (subset) design before na.rm",
    "a null inside ci/se means R returned NaN/NA (e.g. a CI limit outside the data range)",
    "knownIssue (non-null only for qrule 'shahvaish'): R 4.1.1's Shah-Vaish rule uses unnormalised weights in one term; values reproduce R's (buggy) output",
    "isDefault marks the cases computed with all of R's defaults (qrule math, interval.type mean, alpha 0.05, df default)",
    "fixed (qrules math, school, hf1, hf2, hf3 only; null when nothing changes): { quantile, ci, se } under survey >= 4.4's rules (a p below the first weight share gives the smallest value, not the second), computed with with_fixed_qrules (common.R); surveykit follows these, the other fields stay survey 4.1.1's answer"
  )),
  designs = specs_json(sapply(targets, `[[`, "design")),
  probs = vec(probs),
  cases = cases
)
write_ref(out, "quantile")
