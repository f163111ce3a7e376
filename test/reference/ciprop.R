## svyciprop: confidence intervals for proportions -> ciprop.json
## Run from the repository root: Rscript test/reference/ciprop.R
source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

methods <- eval(formals(survey::svyciprop)$method)  # survey 4.1.1: no "wilson"
stopifnot(identical(methods, c("logit", "likelihood", "asin", "beta", "mean", "xlogit")))
methods <- c(methods, "wilson")  # survey >= 4.5's, computed by svyciprop_wilson (common.R)

## indicator: the proportion estimated is that of rows with `var op value`
targets <- list(
  list(key = "dclus1-stypeE", design = "dclus1", subset = NULL, indicator = cond("stype", "==", "E"), naRm = FALSE),
  list(key = "dclus1-ell0", design = "dclus1", subset = NULL, indicator = cond("ell", "==", 0), naRm = FALSE),
  list(key = "dstrat-schwideYes", design = "dstrat", subset = NULL, indicator = cond("sch.wide", "==", "Yes"), naRm = FALSE),
  list(key = "dclus2-awardsYes", design = "dclus2", subset = NULL, indicator = cond("awards", "==", "Yes"), naRm = FALSE),
  list(key = "dclus2_nofpc-awardsYes", design = "dclus2_nofpc", subset = NULL, indicator = cond("awards", "==", "Yes"), naRm = FALSE),
  list(key = "dclus1[stype.ne.E]-schwideYes", design = "dclus1", subset = list(cond("stype", "!=", "E")),
       indicator = cond("sch.wide", "==", "Yes"), naRm = FALSE),
  list(key = "dstrat[stype.eq.H]-awardsYes", design = "dstrat", subset = list(cond("stype", "==", "H")),
       indicator = cond("awards", "==", "Yes"), naRm = FALSE),
  list(key = "dpoll[support.notNA]-support", design = "dpoll", subset = list(cond("support", "notNA")),
       indicator = cond("support", "==", 1), naRm = FALSE),
  list(key = "dpoll-support-narm", design = "dpoll", subset = NULL,
       indicator = cond("support", "==", 1), naRm = TRUE),
  list(key = "dpoll2[support.notNA]-support", design = "dpoll2", subset = list(cond("support", "notNA")),
       indicator = cond("support", "==", 1), naRm = FALSE),
  list(key = "dpoll[region.eq.North+support.notNA]-support", design = "dpoll",
       subset = list(cond("region", "==", "North"), cond("support", "notNA")),
       indicator = cond("support", "==", 1), naRm = FALSE),
  list(key = "dpoll[sex.eq.Female+support.notNA]-support", design = "dpoll",
       subset = list(cond("sex", "==", "Female"), cond("support", "notNA")),
       indicator = cond("support", "==", 1), naRm = FALSE),
  list(key = "dpoll[attitude.notNA]-attitudeHard", design = "dpoll", subset = list(cond("attitude", "notNA")),
       indicator = cond("attitude", "==", "Hard to say"), naRm = FALSE)
)

cases <- list()
target_info <- list()
for (tg in targets) {
  base <- make_design(tg$design)
  d <- apply_subset(base, tg$subset)
  dexpr <- if (is.null(tg$subset)) tg$design else sprintf("subset(%s, %s)", tg$design, subset_rexpr(tg$subset))
  fexpr <- sprintf("~I(%s)", subset_rexpr(list(tg$indicator)))
  f <- as.formula(fexpr)
  dg <- degf(d)
  xi <- eval(f[[2]], d$variables)
  target_info[[length(target_info) + 1]] <- list(
    key = tg$key, design = tg$design, subset = if (is.null(tg$subset)) NA else tg$subset,
    indicator = tg$indicator, formula = fexpr, naRm = tg$naRm,
    degf = dg, nrow = nrow(d), n = sum(!is.na(xi)), nMissing = sum(is.na(xi)))
  for (m in methods) for (lev in c(0.95, 0.90)) for (dfk in c("degf", "Inf")) {
    df <- if (dfk == "degf") dg else Inf
    r <- if (tg$naRm) ciprop_call(f, d, method = m, level = lev, df = df, na.rm = TRUE)
         else ciprop_call(f, d, method = m, level = lev, df = df)
    ci <- attr(r, "ci")
    cases[[length(cases) + 1]] <- list(
      id = sprintf("%s-%s-%g-%s", tg$key, m, lev * 100, if (dfk == "degf") "dfdegf" else "dfInf"),
      target = tg$key,
      design = tg$design,
      subset = if (is.null(tg$subset)) NA else tg$subset,
      indicator = tg$indicator,
      call = sprintf("svyciprop(%s, %s, method=\"%s\", level=%g%s%s)", fexpr, dexpr, m, lev,
                     if (dfk == "degf") "" else ", df=Inf", if (tg$naRm) ", na.rm=TRUE" else ""),
      method = m,
      level = lev,
      df = if (dfk == "degf") dg else "Inf",
      naRm = tg$naRm,
      estimate = unname(as.numeric(r)),
      se = sqrt(as.numeric(attr(r, "var"))),
      ci = I(unname(as.numeric(ci))),
      degf = dg,
      nrow = nrow(d)
    )
  }
}

out <- list(
  meta = meta("ciprop", notes = c(
    "survey 4.1.1 svyciprop methods: logit, likelihood, asin, beta, mean, xlogit (no 'wilson')",
    "method 'wilson' (added in survey 4.5): computed by svyciprop_wilson in common.R from survey 4.5's definition, (p + t^2/(2n) -/+ t/(2n) sqrt(4np(1-p) + t^2)) / (1 + t^2/n) with n = p(1-p)/var(p) and t = qt(1 - alpha/2, df), df = degf(design) unless given",
    "svyciprop's default df is degf(design): cases with df = <number> are the R default; df = \"Inf\" are svyciprop(..., df=Inf)",
    "method 'beta' ignores df: it always uses nrow(design)-1 and degf(design), so its dfInf and dfdegf cases are identical",
    "se = sqrt(attr(r, 'var')) = SE of svymean(~as.numeric(indicator)); estimate = the proportion (for logit/likelihood it is expit(coef(svyglm)), equal to the mean)",
    "ci = [lower, upper]",
    "logit/likelihood come from svyglm(quasibinomial) IRLS, stopped at glm's default convergence (epsilon 1e-8 on the deviance): their estimate differs from the exact mean by ~1e-9 relative, and the logit CI equals the xlogit CI (closed form) only to ~1e-8 relative; compare logit with a tolerance of ~1e-7 (or check it against xlogit)",
    "naRm=TRUE: svyciprop(..., na.rm=TRUE) on the full design: svymean drops NA rows, but 'beta' still uses nrow/degf of the full design and logit/likelihood use svyglm's na.omit; compare with the [support.notNA] subset cases"
  )),
  designs = specs_json(sapply(targets, `[[`, "design")),
  targets = target_info,
  cases = cases
)
write_ref(out, "ciprop")
