## Extra svyquantile references for test/estimate/quantile.test.ts (cases quantile.json does not
## cover): extreme probabilities (0, 0.01, 0.99, 1) under every rule, other levels (0.8, 0.99)
## under every interval type, an explicit df, the score interval under several rules, more
## designs (nested strata, two-stage with fpc), and the published quartiles of api00 on dclus1.
## Run from the repository root: Rscript test/reference/quantile-extra.R  -> quantile-extra.json
source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

f_args <- formals(survey:::svyquantile.survey.design)
all_qrules <- eval(f_args$qrule)
all_itypes <- eval(f_args$interval.type)

targets <- list(
  list(design = "dclus2", subset = NULL, var = "enroll"),   # NA -> na.rm = TRUE
  list(design = "dpoll", subset = NULL, var = "income"),
  list(design = "dclus1", subset = list(cond("stype", "==", "E")), var = "api00"),
  list(design = "dfpc_fpc", subset = NULL, var = "x"),
  list(design = "dmu284", subset = NULL, var = "y1"),
  list(design = "dstrat_nofpc", subset = NULL, var = "api99")
)

## variants: qrule, interval type, alpha, probs, df (NA = R's default)
extreme <- c(0, 0.01, 0.33, 0.99, 1)
mid <- c(0.05, 0.5, 0.8)
variants <- c(
  lapply(all_qrules, function(q) list(qrule = q, itype = "mean", alpha = 0.05, probs = extreme, df = NA)),
  unlist(lapply(all_itypes, function(it) lapply(c(0.2, 0.01), function(a)
    list(qrule = "math", itype = it, alpha = a, probs = mid, df = NA))), recursive = FALSE),
  lapply(c("school", "hf4", "hf6", "hf8", "shahvaish"), function(q)
    list(qrule = q, itype = "score", alpha = 0.05, probs = mid, df = NA)),
  list(list(qrule = "hf5", itype = "beta", alpha = 0.05, probs = mid, df = 10),
       list(qrule = "math", itype = "xlogit", alpha = 0.1, probs = mid, df = 10))
)

cases <- list()
errors <- list()
for (tg in targets) {
  d <- apply_subset(make_design(tg$design), tg$subset)
  dexpr <- if (is.null(tg$subset)) tg$design else sprintf("subset(%s, %s)", tg$design, subset_rexpr(tg$subset))
  x <- d$variables[[tg$var]]
  narm <- any(is.na(x))
  df_default <- if (narm) degf(d[!is.na(x), ]) else degf(d)
  for (vr in variants) {
    args <- list(as.formula(paste0("~", tg$var)), d, quantiles = vr$probs, alpha = vr$alpha,
                 interval.type = vr$itype, qrule = vr$qrule, na.rm = narm, ci = TRUE)
    if (!is.na(vr$df)) args$df <- vr$df
    r <- tryCatch(suppressWarnings(do.call(svyquantile, args)), error = function(e) e)
    if (inherits(r, "error")) {
      ## uniroot fails for the score interval on the smallest designs
      errors[[length(errors) + 1]] <- list(
        design = tg$design, subset = if (is.null(tg$subset)) NA else tg$subset, variable = tg$var,
        qrule = vr$qrule, intervalType = vr$itype, alpha = vr$alpha, level = 1 - vr$alpha,
        probs = vec(vr$probs), error = conditionMessage(r))
      next
    }
    m <- r[[1]]
    cases[[length(cases) + 1]] <- list(
      id = sprintf("%s-%s-%s-%s-a%g%s-p%s", dexpr, tg$var, vr$qrule, vr$itype, vr$alpha,
                   if (is.na(vr$df)) "" else sprintf("-df%g", vr$df), paste(vr$probs, collapse = ",")),
      design = tg$design,
      subset = if (is.null(tg$subset)) NA else tg$subset,
      variable = tg$var,
      call = sprintf("svyquantile(~%s, %s, quantiles=c(%s), alpha=%g, interval.type=\"%s\", qrule=\"%s\"%s%s)",
                     tg$var, dexpr, paste(vr$probs, collapse = ", "), vr$alpha, vr$itype, vr$qrule,
                     if (narm) ", na.rm=TRUE" else "", if (is.na(vr$df)) "" else sprintf(", df=%g", vr$df)),
      qrule = vr$qrule, intervalType = vr$itype, alpha = vr$alpha, level = 1 - vr$alpha,
      df = if (is.na(vr$df)) df_default else vr$df,
      dfArg = if (is.na(vr$df)) NA else vr$df,
      n = sum(!is.na(x)), nMissing = sum(is.na(x)),
      probs = vec(vr$probs),
      quantile = vec(m[, 1]),
      ci = ivals(m[, 2:3, drop = FALSE]),
      se = vec(m[, 4]),
      fixed = fixed_quantiles(vr$qrule, m, function() suppressWarnings(do.call(svyquantile, args))[[1]])
    )
  }
}

## Zero weights: apiclus1 with the weight of every 10th row set to 0 (R's qrules drop those rows;
## nrow(), the score interval's IQR/min/max and its unweighted share count them).
zw <- load_csv("apiclus1.csv")
zw$pw0 <- ifelse(seq_len(nrow(zw)) %% 10 == 0, 0, zw$pw)
dzw <- svydesign(id = ~dnum, weights = ~pw0, fpc = ~fpc, data = zw)
zeroWeights <- list()
for (vr in list(list(qrule = "math", itype = "mean"), list(qrule = "school", itype = "beta"),
                list(qrule = "hf7", itype = "score"), list(qrule = "math", itype = "score"),
                list(qrule = "shahvaish", itype = "xlogit"), list(qrule = "hf3", itype = "asin"))) {
  compute <- function() svyquantile(~api00, dzw, quantiles = mid, interval.type = vr$itype, qrule = vr$qrule, ci = TRUE)[[1]]
  m <- compute()
  zeroWeights[[length(zeroWeights) + 1]] <- list(
    id = sprintf("zw-api00-%s-%s", vr$qrule, vr$itype), design = "dclus1_zw", subset = NA, variable = "api00",
    call = sprintf("svyquantile(~api00, dzw, quantiles=c(%s), interval.type=\"%s\", qrule=\"%s\")",
                   paste(mid, collapse = ", "), vr$itype, vr$qrule),
    qrule = vr$qrule, intervalType = vr$itype, alpha = 0.05, level = 0.95, df = degf(dzw), dfArg = NA,
    n = nrow(zw), nMissing = 0, probs = vec(mid), quantile = vec(m[, 1]),
    ci = ivals(m[, 2:3, drop = FALSE]), se = vec(m[, 4]), fixed = fixed_quantiles(vr$qrule, m, compute))
}

## The published check (survey's vignette): quartiles of api00 on dclus1 with their CIs.
dclus1 <- make_design("dclus1")
pq <- svyquantile(~api00, dclus1, c(0.25, 0.5, 0.75))
published <- list(call = "svyquantile(~api00, dclus1, c(0.25, 0.5, 0.75))",
                  quantile = vec(pq[[1]][, 1]), ci = ivals(pq[[1]][, 2:3]), se = vec(pq[[1]][, 4]),
                  fixed = fixed_quantiles("math", pq[[1]], function() svyquantile(~api00, dclus1, c(0.25, 0.5, 0.75))[[1]]))

out <- list(
  meta = meta("quantile-extra", notes = c(
    "same layout as quantile.json; dfArg = the df passed to svyquantile (null: R's default, given in df)",
    "a null inside ci/se means R returned NaN/NA",
    "zeroWeights: design dclus1 with weights pw0 = pw except 0 on every 10th row (svydesign(id=~dnum, weights=~pw0, fpc=~fpc))",
    "errors: calls where R stopped (uniroot: f() values at end points not of opposite sign)",
    "published: the quartiles of api00 on dclus1 (vignette: 552 [492, 627], 652 [561, 714], 719 [696, 777])",
    "fixed (qrules math, school, hf1, hf2, hf3; null when nothing changes): { quantile, ci, se } under survey >= 4.4's rules, as in quantile.json (with_fixed_qrules in common.R); surveykit follows these"
  )),
  designs = specs_json(sapply(targets, `[[`, "design")),
  cases = cases,
  errors = errors,
  zeroWeights = zeroWeights,
  published = published
)
write_ref(out, "quantile-extra")
