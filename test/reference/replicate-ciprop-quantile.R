## svyciprop and svyquantile on replicate-weight designs -> replicate-ciprop-quantile.json
##
## - svyciprop: every method (logit, likelihood, asin, beta, mean, xlogit) at levels 0.95 and
##   0.9, with df = degf(design) (R's default) and df = Inf, with mse = FALSE and TRUE.
##   logit/likelihood go through svyglm.svyrep.design (svrepglm): the coefficient refitted with
##   each replicate's weights, cov.unscaled = svrVar of those, and confint.svyglm.
## - svyquantile.svyrep.design: every interval.type it accepts (mean, beta, xlogit, asin,
##   quantile), every qrule with interval.type "quantile" (the replicate quantiles themselves),
##   a few qrules with "mean", alpha = 0.1, df = Inf; mse = FALSE and TRUE.
##
## Needs the CSVs written by export-data.R and replicate.R.
## Run from the repository root:  Rscript test/reference/replicate-ciprop-quantile.R

source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

design_specs$dpairs20 <- list(data = "apistrat_pairs.csv", ids = list("psu20"), strata = "str20", weights = "pw", probs = NULL, fpc = NULL, nest = FALSE,
                              rcall = "svydesign(id=~psu20, strata=~str20, weights=~pw, data=apistrat_pairs)")
load_any <- function(file) {
  d <- load_csv(file)
  if (file %in% c("apistrat_pairs.csv", "apiclus1_rep.csv")) {
    for (v in c("stype", "sch.wide")) d[[v]] <- factor(d[[v]], levels = factor_levels$api[[v]])
  }
  d
}
make_any <- function(name) {
  s <- design_specs[[name]]
  env <- new.env(parent = globalenv())
  assign(data_object_name(s$data), load_any(s$data), envir = env)
  eval(parse(text = s$rcall)[[1]], envir = env)
}

## ---- replicate designs ----------------------------------------------------------------
## from = "design": as.svrepdesign(<design>, type); from = "columns": svrepdesign on a CSV.
rep_specs <- list(
  rclus1 = list(from = "design", design = "dclus1", type = "JK1",
                rcall = 'as.svrepdesign(dclus1, type="JK1")'),
  rstrat = list(from = "design", design = "dstrat", type = "JKn",
                rcall = 'as.svrepdesign(dstrat, type="JKn")'),
  rpairs20 = list(from = "design", design = "dpairs20", type = "BRR",
                  rcall = 'as.svrepdesign(dpairs20, type="BRR")'),
  rpoll = list(from = "design", design = "dpoll", type = "JKn",
               rcall = 'as.svrepdesign(dpoll, type="JKn")'),
  rscd = list(from = "columns", data = "scd.csv", type = "BRR", weights = "one", repweights = "rw[0-9]+",
              combinedWeights = FALSE,
              rcall = 'svrepdesign(data=scd, type="BRR", weights=~one, repweights="rw[0-9]+", combined.weights=FALSE)'),
  rboot = list(from = "columns", data = "apiclus1_rep.csv", type = "bootstrap", weights = "pw", repweights = "boot_[0-9]+",
               combinedWeights = TRUE,
               rcall = 'svrepdesign(data=apiclus1_rep, type="bootstrap", weights=~pw, repweights="boot_[0-9]+")')
)
make_rep <- function(name) {
  s <- rep_specs[[name]]
  if (s$from == "design") return(as.svrepdesign(make_any(s$design), type = s$type))
  suppressWarnings(svrepdesign(data = load_any(s$data), type = s$type, weights = as.formula(paste0("~", s$weights)),
                               repweights = s$repweights, combined.weights = s$combinedWeights))
}
reps <- lapply(setNames(names(rep_specs), names(rep_specs)), make_rep)
rep_json <- lapply(names(rep_specs), function(n) {
  s <- rep_specs[[n]]
  r <- reps[[n]]
  nul <- function(x) if (is.null(x)) NA else x
  list(name = n, from = s$from, design = nul(s$design), data = nul(s$data), type = s$type,
       weights = nul(s$weights), repweights = nul(s$repweights), combinedWeights = nul(s$combinedWeights),
       rcall = s$rcall, nrow = nrow(r), degf = degf(r), nReplicates = ncol(as.matrix(r$repweights)),
       scale = r$scale)
})
names(rep_json) <- names(rep_specs)

## Collects warnings and messages (as text) while evaluating expr; errors become $error.
capture <- function(expr) {
  w <- character(0)
  value <- tryCatch(withCallingHandlers(expr,
    warning = function(c) { w <<- c(w, conditionMessage(c)); invokeRestart("muffleWarning") },
    message = function(c) { w <<- c(w, sub("\n$", "", conditionMessage(c))); invokeRestart("muffleMessage") }),
    error = function(e) structure(list(message = conditionMessage(e)), class = "captured_error"))
  list(value = value, warnings = unique(w))
}
rdesign_expr <- function(name, conds) {
  if (is.null(conds)) name else sprintf("subset(%s, %s)", name, subset_rexpr(conds))
}

## ---- svyciprop ------------------------------------------------------------------------
methods <- eval(formals(survey::svyciprop)$method)
stopifnot(identical(methods, c("logit", "likelihood", "asin", "beta", "mean", "xlogit")))
methods <- c(methods, "wilson")  # survey >= 4.5's, computed by svyciprop_wilson (common.R)

ciprop_targets <- list(
  list(key = "rclus1-stypeE", rep = "rclus1", subset = NULL, indicator = cond("stype", "==", "E"), naRm = FALSE),
  list(key = "rclus1-schwideYes", rep = "rclus1", subset = NULL, indicator = cond("sch.wide", "==", "Yes"), naRm = FALSE),
  list(key = "rclus1[stype.ne.E]-schwideYes", rep = "rclus1", subset = list(cond("stype", "!=", "E")),
       indicator = cond("sch.wide", "==", "Yes"), naRm = FALSE),
  list(key = "rstrat-schwideYes", rep = "rstrat", subset = NULL, indicator = cond("sch.wide", "==", "Yes"), naRm = FALSE),
  list(key = "rstrat[stype.eq.H]-awardsYes", rep = "rstrat", subset = list(cond("stype", "==", "H")),
       indicator = cond("awards", "==", "Yes"), naRm = FALSE),
  list(key = "rpairs20-schwideYes", rep = "rpairs20", subset = NULL, indicator = cond("sch.wide", "==", "Yes"), naRm = FALSE),
  list(key = "rscd-alive30", rep = "rscd", subset = NULL, indicator = cond("alive", ">", 30), naRm = FALSE),
  ## every BRR half-sample has the same share: variance 0 (likelihood: R stops in approx())
  list(key = "rscd-arrests150", rep = "rscd", subset = NULL, indicator = cond("arrests", ">", 150), naRm = FALSE),
  list(key = "rboot-stypeE", rep = "rboot", subset = NULL, indicator = cond("stype", "==", "E"), naRm = FALSE),
  list(key = "rpoll-support-narm", rep = "rpoll", subset = NULL, indicator = cond("support", "==", 1), naRm = TRUE),
  list(key = "rpoll[support.notNA]-support", rep = "rpoll", subset = list(cond("support", "notNA")),
       indicator = cond("support", "==", 1), naRm = FALSE)
)

ciprop_cases <- list()
ciprop_info <- list()
for (tg in ciprop_targets) {
  d0 <- apply_subset(reps[[tg$rep]], tg$subset)
  dexpr <- rdesign_expr(tg$rep, tg$subset)
  fexpr <- sprintf("~I(%s)", subset_rexpr(list(tg$indicator)))
  f <- as.formula(fexpr)
  dg <- degf(d0)
  xi <- eval(f[[2]], d0$variables)
  ciprop_info[[length(ciprop_info) + 1]] <- list(
    key = tg$key, rep = tg$rep, subset = if (is.null(tg$subset)) NA else tg$subset,
    indicator = tg$indicator, formula = fexpr, naRm = tg$naRm,
    degf = dg, nrow = nrow(d0), n = sum(!is.na(xi)), nMissing = sum(is.na(xi)))
  for (mse in c(FALSE, TRUE)) {
    d <- d0
    d$mse <- mse
    for (m in methods) for (lev in c(0.95, 0.90)) for (dfk in c("degf", "Inf")) {
      df <- if (dfk == "degf") dg else Inf
      got <- capture(if (tg$naRm) ciprop_call(f, d, method = m, level = lev, df = df, na.rm = TRUE)
                     else ciprop_call(f, d, method = m, level = lev, df = df))
      r <- got$value
      err <- inherits(r, "captured_error")
      ciprop_cases[[length(ciprop_cases) + 1]] <- list(
        id = sprintf("%s-%s-%g-%s%s", tg$key, m, lev * 100, if (dfk == "degf") "dfdegf" else "dfInf",
                     if (mse) "-mse" else ""),
        target = tg$key, rep = tg$rep,
        subset = if (is.null(tg$subset)) NA else tg$subset,
        indicator = tg$indicator,
        call = sprintf("svyciprop(%s, %s, method=\"%s\", level=%g%s%s)  # %s$mse <- %s", fexpr, dexpr, m, lev,
                       if (dfk == "degf") "" else ", df=Inf", if (tg$naRm) ", na.rm=TRUE" else "",
                       tg$rep, if (mse) "TRUE" else "FALSE"),
        method = m, level = lev, df = if (dfk == "degf") dg else "Inf", mse = mse, naRm = tg$naRm,
        error = if (err) r$message else NA,
        warnings = I(got$warnings),
        estimate = if (err) NA else unname(as.numeric(r)),
        se = if (err) NA else sqrt(as.numeric(attr(r, "var"))),
        ci = if (err) NA else I(unname(as.numeric(attr(r, "ci")))),
        degf = dg, nrow = nrow(d0),
        fixed = if (m != "likelihood") NA else {
          ## survey 4.3's Pearson residuals (common.R: with_fixed_svrepglm_residuals)
          fg <- capture(with_fixed_svrepglm_residuals(
            if (tg$naRm) ciprop_call(f, d, method = m, level = lev, df = df, na.rm = TRUE)
            else ciprop_call(f, d, method = m, level = lev, df = df)))
          fr <- fg$value
          ferr <- inherits(fr, "captured_error")
          list(error = if (ferr) fr$message else NA,
               estimate = if (ferr) NA else unname(as.numeric(fr)),
               se = if (ferr) NA else sqrt(as.numeric(attr(fr, "var"))),
               ci = if (ferr) NA else I(unname(as.numeric(attr(fr, "ci")))))
        })
    }
  }
}

## svrepglm internals for one target (what the likelihood interval is built from).
glm_detail <- function(key) {
  tg <- Filter(function(t) t$key == key, ciprop_targets)[[1]]
  d <- apply_subset(reps[[tg$rep]], tg$subset)
  f <- as.formula(sprintf("%s ~ 1", deparse(as.formula(sprintf("~I(%s)", subset_rexpr(list(tg$indicator))))[[2]])))
  m <- svyglm(f, d, family = quasibinomial)
  list(target = key, coef = unname(coef(m)), covUnscaled = unname(as.numeric(m$cov.unscaled)),
       naiveCov = unname(as.numeric(m$naive.cov)),
       dispersion = unname(with_fixed_svrepglm_residuals(summary(m))$dispersion),
       dispersion411 = unname(summary(m)$dispersion),
       deviance = m$deviance)
}
glm_details <- lapply(c("rclus1-stypeE", "rscd-alive30", "rstrat[stype.eq.H]-awardsYes"), glm_detail)

## ---- svyquantile ----------------------------------------------------------------------
probs <- c(0.1, 0.25, 0.5, 0.75, 0.9)
q_args <- formals(survey:::svyquantile.svyrep.design)
all_qrules <- eval(q_args$qrule)
all_itypes <- eval(q_args$interval.type)
stopifnot(identical(all_itypes, c("mean", "beta", "xlogit", "asin", "quantile")))

quantile_targets <- list(
  list(rep = "rclus1", subset = NULL, var = "api00"),
  list(rep = "rclus1", subset = NULL, var = "enroll"),
  list(rep = "rstrat", subset = NULL, var = "api00"),
  list(rep = "rpairs20", subset = NULL, var = "api00"),
  list(rep = "rboot", subset = NULL, var = "api00"),
  list(rep = "rpoll", subset = NULL, var = "income"),                  # NA -> na.rm=TRUE
  list(rep = "rscd", subset = NULL, var = "arrests"),
  list(rep = "rclus1", subset = list(cond("stype", "==", "E")), var = "api00"),
  list(rep = "rstrat", subset = list(cond("sch.wide", "==", "Yes")), var = "enroll")
)
variants <- c(
  lapply(all_itypes, function(it) list(qrule = "math", itype = it, alpha = 0.05, df = NA)),
  lapply(setdiff(all_qrules, "math"), function(q) list(qrule = q, itype = "quantile", alpha = 0.05, df = NA)),
  lapply(c("school", "hf7", "shahvaish"), function(q) list(qrule = q, itype = "mean", alpha = 0.05, df = NA)),
  list(list(qrule = "math", itype = "mean", alpha = 0.10, df = NA),
       list(qrule = "math", itype = "quantile", alpha = 0.10, df = NA),
       list(qrule = "math", itype = "mean", alpha = 0.05, df = Inf),
       list(qrule = "hf7", itype = "quantile", alpha = 0.05, df = Inf))
)

## survey 4.2 fixed svyquantile.svyrep.design: 4.1.1 calls woodruffCI without method=, so
## interval.type "beta", "xlogit" and "asin" all give the Wald ("mean") Woodruff interval; 4.2
## passes method = interval.type (NEWS: "svyquantile() didn't pay attention to interval_type for
## replicate weights"). with_fixed_rep_woodruff(expr) evaluates expr with 4.1.1's function changed
## by that one line (its ci_fun), everything else as installed.
with_fixed_rep_woodruff <- function(expr) {
  with_line_changed("svyquantile.svyrep.design", "ci_fun <- woodruffCI",
                    "ci_fun <- function(...) woodruffCI(..., method = interval.type)", expr)
}
## The results under the fixes surveykit follows (survey >= 4.4's qrules, survey 4.2's Woodruff
## method), when one concerns the case and they differ from 4.1.1's (NA otherwise).
fixed_rep_quantiles <- function(qrule, itype, m, compute) {
  rule_fix <- qrule %in% c("math", "hf1", "school", "hf2", "hf3")
  method_fix <- itype %in% c("beta", "xlogit", "asin")
  if (!rule_fix && !method_fix) return(NA)
  run <- function() if (method_fix) with_fixed_rep_woodruff(compute()) else compute()
  f <- if (rule_fix) with_fixed_qrules(run()) else run()
  if (identical(unname(f), unname(m))) return(NA)
  list(quantile = vec(f[, 1]), ci = ivals(f[, 2:3, drop = FALSE]), se = vec(f[, 4]))
}

quantile_cases <- list()
for (tg in quantile_targets) {
  d0 <- apply_subset(reps[[tg$rep]], tg$subset)
  dexpr <- rdesign_expr(tg$rep, tg$subset)
  x <- d0$variables[[tg$var]]
  narm <- any(is.na(x))
  df_default <- if (narm) degf(d0[!is.na(x), ]) else degf(d0)
  for (mse in c(FALSE, TRUE)) {
    d <- d0
    d$mse <- mse
    for (vr in variants) {
      args <- list(as.formula(paste0("~", tg$var)), d, quantiles = probs, alpha = vr$alpha,
                   interval.type = vr$itype, qrule = vr$qrule, na.rm = narm, ci = TRUE)
      if (!is.na(vr$df)) args$df <- vr$df
      got <- capture(do.call(svyquantile, args))
      r <- got$value
      err <- inherits(r, "captured_error")
      m <- if (err) NULL else r[[1]]
      quantile_cases[[length(quantile_cases) + 1]] <- list(
        id = sprintf("%s-%s-%s-%s-a%g%s%s", dexpr, tg$var, vr$qrule, vr$itype, vr$alpha,
                     if (is.na(vr$df)) "" else "-dfInf", if (mse) "-mse" else ""),
        rep = tg$rep, subset = if (is.null(tg$subset)) NA else tg$subset, variable = tg$var,
        call = sprintf("svyquantile(~%s, %s, quantiles=c(%s), alpha=%g, interval.type=\"%s\", qrule=\"%s\"%s%s)  # %s$mse <- %s",
                       tg$var, dexpr, paste(probs, collapse = ", "), vr$alpha, vr$itype, vr$qrule,
                       if (narm) ", na.rm=TRUE" else "", if (is.na(vr$df)) "" else ", df=Inf",
                       tg$rep, if (mse) "TRUE" else "FALSE"),
        qrule = vr$qrule, intervalType = vr$itype, alpha = vr$alpha, level = 1 - vr$alpha,
        df = if (is.na(vr$df)) df_default else "Inf", mse = mse, naRm = narm,
        n = sum(!is.na(x)), nMissing = sum(is.na(x)), degf = degf(d0),
        error = if (err) r$message else NA,
        warnings = I(got$warnings),
        probs = vec(probs),
        quantile = if (err) NA else vec(m[, 1]),
        ci = if (err) NA else ivals(m[, 2:3, drop = FALSE]),
        se = if (err) NA else vec(m[, 4]),
        fixed = if (err) NA else fixed_rep_quantiles(vr$qrule, vr$itype, m, function() suppressWarnings(do.call(svyquantile, args))[[1]]))
    }
  }
}

## Errors R raises, for the typed errors.
err <- function(expr) tryCatch({ suppressWarnings(expr); NA }, error = function(e) conditionMessage(e))
r_errors <- list(
  quantileScore = err(svyquantile(~api00, reps$rclus1, 0.5, interval.type = "score")),
  ## a domain inside one PSU: the JK1 replicate that drops it has no weight in the domain
  glmEmptyReplicate = err(svyciprop(~I(sch.wide == "Yes"), subset(reps$rclus1, dnum == 637), method = "logit")),
  quantileEmptyReplicate = err(svyquantile(~api00, subset(reps$rclus1, dnum == 637), 0.5, interval.type = "quantile"))
)

lin_designs <- unique(vapply(rep_specs, function(s) if (s$from == "design") s$design else NA_character_, ""))
write_ref(list(
  meta = meta("replicate-ciprop-quantile", notes = c(
    "repDesigns: the replicate designs, as.svrepdesign(<designs[design]>, type) (from = 'design') or svrepdesign() on a CSV (from = 'columns', repweights a regular expression). Every case runs with mse = FALSE (R's default) and with the same design after r$mse <- TRUE (case field mse).",
    "ciprop: like ciprop.json. estimate and se (sqrt(attr(, 'var')), the replicate SE of svymean of the indicator) do not depend on the method; logit/likelihood come from svyglm.svyrep.design: the intercept refitted by glm.fit with each replicate's weights (normalised to sum 1, started at the full-sample coefficient), cov.unscaled = svrVar of the refits.",
    "ciprop likelihood: confint.svyglm profiles the deviance scaled by summary.svrepglm's dispersion, sum(pw * r^2)/sum(pw) with Pearson residuals r divided by sqrt(pw/sum(pw)) in survey 4.1.1: about n times the linearization dispersion. The profile then stays far below the cutoff and R's approx() gives NA (ci [null, null]) except in very small samples (rscd at level 0.9). survey 4.3 fixed the residuals (divided by sqrt(pw/mean(pw))): the likelihood cases' 'fixed' field holds the result with that fix (common.R: with_fixed_svrepglm_residuals), which surveykit follows; glm details: dispersion with the fix, dispersion411 without.",
    "ciprop beta uses nrow(design) and degf(design) (rank of the replicate weights - 1, on the subset's rows).",
    "ciprop wilson (added in survey 4.5): computed by svyciprop_wilson in common.R from survey 4.5's definition (see ciprop.json's notes), the share's variance from the replicates.",
    "ciprop error: R's message when svyciprop stopped (estimate/se/ci null): rscd-arrests150 has variance 0, and confint.svyglm's likelihood profile then has a single point.",
    "quantile: svyquantile.svyrep.design accepts interval.type mean, beta, xlogit, asin, quantile (no score). In survey 4.1.1 it calls woodruffCI without method=, so beta, xlogit and asin all give the 'mean' (Wald) Woodruff interval; survey 4.2 passes method = interval.type. fixed: the case under survey >= 4.4's qrules and 4.2's method (4.1.1's function changed by that one line, with_fixed_rep_woodruff), when they differ from 4.1.1's answer (null otherwise). 'quantile': the quantile rule applied to each replicate's weights, svrVar of those, ci = q -/+ qt(1 - alpha/2, df) * sqrt(v).",
    "quantile se = (upper - lower)/(2 * qt(1 - alpha/2, df)) (qnorm when df = Inf). df: the df R used (degf after dropping NA rows when naRm). null in ci/se: R gave NaN/NA.",
    "quantile warnings: R warns that jackknife weights may not give valid SEs for quantiles (JK1/JKn with interval.type 'quantile').",
    "glm: svrepglm internals for a few targets (coef, cov.unscaled = replicate variance, naive.cov, dispersion, deviance).",
    "errors: R's messages for interval.type 'score' and for a replicate with no weight in the domain.",
    "quantile fixed (qrules math, school, hf1, hf2, hf3; null when nothing changes): { quantile, ci, se } under survey >= 4.4's rules, as in quantile.json (with_fixed_qrules in common.R); surveykit follows these"
  )),
  designs = specs_json(lin_designs),
  repDesigns = rep_json,
  ciprop = list(targets = ciprop_info, cases = ciprop_cases, glm = glm_details),
  quantile = list(probs = vec(probs), cases = quantile_cases),
  errors = r_errors
), "replicate-ciprop-quantile")
