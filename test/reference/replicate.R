## Replicate-weight designs -> replicate.json (+ data/apiclus1_rep.csv, data/apiclus2_rep.csv,
## data/apistrat_pairs.csv, data/scd.csv)
##
## - as.svrepdesign() from linearization designs: JK1, JKn (every lonely-PSU rule), BRR and Fay
##   (strata of exactly 2 PSUs, and larger even strata that R splits into pairs), with the
##   replicate weights (factors per PSU for the small designs, column checksums for all),
##   scale, rscales, degf and svymean/svytotal (numeric and factor) for mse = FALSE and TRUE.
## - svrepdesign() from replicate-weight columns exported here as CSV (JK1, JKn, BRR, Fay,
##   bootstrap, successive-difference, ACS, other), read back from the CSV like every design.
## - survey:::hadamard(n) for n = 1..400: size and md5 of the 0/1 text; full matrices for the
##   sizes the designs here use and for R's precooked ones (4, 16, 28, 36).
##
## Run from the repository root:  Rscript test/reference/replicate.R

source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

## ---- exported data -----------------------------------------------------------
keep_api <- c("snum", "dnum", "stype", "sch.wide", "api00", "api99", "enroll", "pw", "fpc")
write_data <- function(d, file) {
  d <- as.data.frame(lapply(d, function(x) if (is.factor(x)) as.character(x) else x),
                     stringsAsFactors = FALSE, check.names = FALSE)
  write.csv(d, file.path(data_dir, file), row.names = FALSE, na = "")
  message(sprintf("wrote %-24s %4d rows x %3d cols", file, nrow(d), ncol(d)))
}
repcols <- function(m, prefix) {
  m <- unname(as.matrix(m))
  colnames(m) <- paste0(prefix, seq_len(ncol(m)))
  as.data.frame(m)
}

## apiclus1_rep.csv: JK1 combined weights and factors of as.svrepdesign(dclus1), and 50
## bootstrap replicates (set.seed below) as combined weights.
dclus1 <- make_design("dclus1")
rclus1 <- as.svrepdesign(dclus1, type = "JK1")
set.seed(20240517)
bclus1 <- as.svrepdesign(dclus1, type = "bootstrap", replicates = 50)
apiclus1 <- load_csv("apiclus1.csv")
write_data(cbind(apiclus1[, keep_api],
                 repcols(weights(rclus1, "analysis"), "jk1_"),
                 repcols(weights(rclus1, "replication"), "jk1f_"),
                 repcols(signif(weights(bclus1, "analysis"), 8), "boot_")),
           "apiclus1_rep.csv")
boot_scale_r <- bclus1$scale

## apiclus2_rep.csv: apiclus2 with districts in two artificial strata (str2), and the JKn
## combined weights of svydesign(id=~dnum, strata=~str2, weights=~pw).
apiclus2 <- load_csv("apiclus2.csv")
apiclus2$str2 <- ifelse(apiclus2$dnum %% 2 == 0, "even", "odd")
write_data(apiclus2[, c(keep_api[keep_api != "fpc"], "str2")], "apiclus2_str.tmp.csv")
tmp <- read.csv(file.path(data_dir, "apiclus2_str.tmp.csv"), stringsAsFactors = FALSE, na.strings = "")
invisible(file.remove(file.path(data_dir, "apiclus2_str.tmp.csv")))
for (v in c("stype", "sch.wide")) tmp[[v]] <- factor(tmp[[v]], levels = factor_levels$api[[v]])
d2s <- svydesign(id = ~dnum, strata = ~str2, weights = ~pw, data = tmp)
r2s <- as.svrepdesign(d2s, type = "JKn")
write_data(cbind(tmp, repcols(weights(r2s, "analysis"), "jkn_")), "apiclus2_rep.csv")
jkn_rscales <- r2s$rscales

## apistrat_pairs.csv: apistrat in pseudo-PSUs with 2 PSUs per pseudo-stratum, for K = 20, 25
## and 34 strata (stratum numbers run backwards so that their first-seen order, their numeric
## order and their string order all differ), plus Fay (rho 0.5, K = 20) and successive-difference
## replicate weights (80 replicates) as columns.
apistrat <- load_csv("apistrat.csv")
pairs <- apistrat[, keep_api]
for (K in c(20, 25, 34)) {
  psu <- ceiling(seq_len(nrow(pairs)) * 2 * K / nrow(pairs))
  pairs[[paste0("psu", K)]] <- psu
  pairs[[paste0("str", K)]] <- K + 1 - ceiling(psu / 2)
}
write_data(pairs, "apistrat_pairs.tmp.csv")
pairs <- read.csv(file.path(data_dir, "apistrat_pairs.tmp.csv"), stringsAsFactors = FALSE, na.strings = "")
invisible(file.remove(file.path(data_dir, "apistrat_pairs.tmp.csv")))
for (v in c("stype", "sch.wide")) pairs[[v]] <- factor(pairs[[v]], levels = factor_levels$api[[v]])
dp20 <- svydesign(id = ~psu20, strata = ~str20, weights = ~pw, data = pairs)
fay20 <- as.svrepdesign(dp20, type = "Fay", fay.rho = 0.5)
## successive-difference factors 1 + 2^-1.5 (h[a(i)] - h[b(i)]) from the rows of a 80 x 80
## Hadamard matrix (+-1), rows a(i) = i, b(i) = i + 1 cycling over 1..80.
H80 <- 2 * survey:::hadamard(79) - 1
stopifnot(nrow(H80) == 80)
ia <- ((seq_len(nrow(pairs)) - 1) %% 80) + 1
ib <- (seq_len(nrow(pairs)) %% 80) + 1
sdr <- 1 + 2^-1.5 * (H80[ia, ] - H80[ib, ])
write_data(cbind(pairs, repcols(weights(fay20, "analysis"), "fay_"),
                 repcols(signif(sdr * pairs$pw, 8), "sdr_")),
           "apistrat_pairs.csv")

## scd.csv: survey's data(scd) with the BRR factors of ?svrepdesign (Levy and Lemeshow).
data(scd)
scd_rep <- 2 * cbind(c(1, 0, 1, 0, 1, 0), c(1, 0, 0, 1, 0, 1), c(0, 1, 1, 0, 0, 1), c(0, 1, 0, 1, 1, 0))
write_data(cbind(scd, one = 1, repcols(scd_rep, "rw")), "scd.csv")

## ---- designs ------------------------------------------------------------------------
design_specs$dpairs20 <- list(data = "apistrat_pairs.csv", ids = list("psu20"), strata = "str20", weights = "pw", probs = NULL, fpc = NULL, nest = FALSE,
                              rcall = "svydesign(id=~psu20, strata=~str20, weights=~pw, data=apistrat_pairs)")
design_specs$dpairs25 <- list(data = "apistrat_pairs.csv", ids = list("psu25"), strata = "str25", weights = "pw", probs = NULL, fpc = NULL, nest = FALSE,
                              rcall = "svydesign(id=~psu25, strata=~str25, weights=~pw, data=apistrat_pairs)")
design_specs$dpairs34 <- list(data = "apistrat_pairs.csv", ids = list("psu34"), strata = "str34", weights = "pw", probs = NULL, fpc = NULL, nest = FALSE,
                              rcall = "svydesign(id=~psu34, strata=~str34, weights=~pw, data=apistrat_pairs)")
design_specs$dscd <- list(data = "scd.csv", ids = list("ambulance"), strata = "ESA", weights = "one", probs = NULL, fpc = NULL, nest = TRUE,
                          rcall = "svydesign(id=~ambulance, strata=~ESA, weights=~one, nest=TRUE, data=scd)")
design_specs$dclus2_str <- list(data = "apiclus2_rep.csv", ids = list("dnum"), strata = "str2", weights = "pw", probs = NULL, fpc = NULL, nest = FALSE,
                                rcall = "svydesign(id=~dnum, strata=~str2, weights=~pw, data=apiclus2_rep)")
load_any <- function(file) {
  d <- load_csv(file)
  if (file %in% c("apistrat_pairs.csv", "apiclus1_rep.csv", "apiclus2_rep.csv")) {
    for (v in c("stype", "sch.wide")) d[[v]] <- factor(d[[v]], levels = factor_levels$api[[v]])
  }
  d
}

## Evaluates expr, collecting its warnings (as text) instead of printing them.
with_warnings <- function(expr) {
  w <- character(0)
  value <- withCallingHandlers(expr, warning = function(c) {
    w <<- c(w, conditionMessage(c))
    invokeRestart("muffleWarning")
  })
  list(value = value, warnings = w)
}

## ---- estimates ------------------------------------------------------------------------
api_plan <- c("api00", "enroll", "stype", "sch.wide")
estimates <- function(r, vars) {
  out <- list()
  for (v in vars) for (stat in c("mean", "total")) {
    f <- as.formula(paste0("~", v))
    x <- r$variables[[v]]
    narm <- any(is.na(x))
    FUN <- switch(stat, mean = svymean, total = svytotal)
    by_mse <- lapply(c(FALSE, TRUE), function(m) {
      r$mse <- m
      e <- FUN(f, r, na.rm = narm)
      list(estimate = vec(coef(e)), se = vec(SE(e)), vcov = mat(vcov(e)))
    })
    ## R's svytotal drops rows of strata sampled entirely (selfrep) from the replicate totals
    ## but not from the estimate, so with mse = TRUE their total counts as replicate error.
    ## Without selfrep (r$selfrep <- NULL) R computes what surveykit computes.
    keep_census <- NA
    if (stat == "total" && !is.null(r$selfrep) && any(r$selfrep)) {
      r2 <- r
      r2$selfrep <- NULL
      r2$mse <- TRUE
      e2 <- FUN(f, r2, na.rm = narm)
      keep_census <- list(se = vec(SE(e2)), vcov = mat(vcov(e2)))
    }
    out[[length(out) + 1]] <- list(
      variable = v, statistic = stat, type = if (is.factor(x)) "factor" else "numeric",
      levels = if (is.factor(x)) strs(levels(x)) else NA, naRm = narm,
      n = sum(!is.na(x)),
      estimate = by_mse[[1]]$estimate,
      se = by_mse[[1]]$se, vcov = by_mse[[1]]$vcov,
      seMse = by_mse[[2]]$se, vcovMse = by_mse[[2]]$vcov,
      mseCensusKept = keep_census)
  }
  out
}

## Weight digests: per replicate, sum of the combined weights, of their squares and of
## row number (1-based) times weight.
digest <- function(W) {
  W <- unname(as.matrix(W))
  list(colSums = vec(colSums(W)), colSumsSq = vec(colSums(W^2)),
       colSumsRow = vec(colSums(W * seq_len(nrow(W)))))
}
## Compressed replicate factors (PSU x replicate) and row -> PSU index (1-based).
factors <- function(r) {
  rw <- r$repweights
  if (inherits(rw, "repweights_compressed")) list(factors = mat(rw$weights), index = vec(rw$index))
  else list(factors = mat(rw), index = vec(seq_len(nrow(rw))))
}

cases <- list()
subsets <- list()
add_case <- function(id, built, r, vars, full_factors, spec, domains = list()) {
  W <- weights(r, "analysis")
  case <- c(list(id = id), spec, list(
    result = list(type = r$type, nReplicates = ncol(as.matrix(W)), scale = r$scale,
                  rscales = vec(rep_len(r$rscales, ncol(as.matrix(W)))), rho = if (is.null(r$rho)) NA else r$rho,
                  degf = degf(r), warnings = if (length(built$warnings)) strs(built$warnings) else I(character(0))),
    weights = c(digest(W), if (full_factors) factors(r) else list(factors = NA, index = NA)),
    estimates = estimates(r, vars)))
  case$domains <- lapply(domains, function(conds) {
    rs <- apply_subset(r, conds)
    list(subset = conds, degf = degf(rs), estimates = estimates(rs, vars))
  })
  cases[[length(cases) + 1]] <<- case
}

## as.svrepdesign from a registered design, with survey.lonely.psu set as given.
from_design <- function(id, dname, type, vars, full_factors, rho = NULL, lonely = "fail", domains = list()) {
  old <- options(survey.lonely.psu = lonely)
  on.exit(options(old))
  d <- make_design(dname)
  call <- if (is.null(rho)) sprintf('as.svrepdesign(%s, type="%s")', dname, type)
          else sprintf('as.svrepdesign(%s, type="%s", fay.rho=%s)', dname, type, format(rho))
  built <- with_warnings(if (is.null(rho)) as.svrepdesign(d, type = type) else as.svrepdesign(d, type = type, fay.rho = rho))
  spec <- list(from = "design", design = dname, lonelyPsu = lonely,
               args = list(type = type, rho = if (is.null(rho)) NA else rho), rcall = call)
  add_case(id, built, built$value, vars, full_factors, spec, domains)
}

## svrepdesign from columns of an exported CSV.
from_columns <- function(id, file, weights, repweights, type, vars, scale = NULL, rscales = NULL,
                         rho = NULL, combined = TRUE, domains = list()) {
  data <- load_any(file)
  args <- list(data = data, type = type, weights = as.formula(paste0("~", weights)),
               repweights = repweights, combined.weights = combined)
  if (!is.null(scale)) args$scale <- scale
  if (!is.null(rscales)) args$rscales <- rscales
  if (!is.null(rho)) args$rho <- rho
  built <- with_warnings(do.call(svrepdesign, args))
  call <- sprintf('svrepdesign(data=%s, type="%s", weights=~%s, repweights="%s"%s%s%s%s)',
                  data_object_name(file), type, weights, repweights,
                  if (is.null(scale)) "" else sprintf(", scale=%s", format(scale, digits = 17)),
                  if (is.null(rscales)) "" else ", rscales=<see args>",
                  if (is.null(rho)) "" else sprintf(", rho=%s", format(rho)),
                  if (combined) "" else ", combined.weights=FALSE")
  spec <- list(from = "columns", data = file,
               args = list(type = type, weights = weights, repweights = repweights,
                           scale = if (is.null(scale)) NA else scale,
                           rscales = if (is.null(rscales)) NA else vec(rscales),
                           rho = if (is.null(rho)) NA else rho, combinedWeights = combined),
               rcall = call)
  add_case(id, built, built$value, vars, FALSE, spec, domains)
}

E <- list(cond("stype", "==", "E"))
YES <- list(cond("sch.wide", "==", "Yes"))

## JK1
from_design("dclus1-JK1", "dclus1", "JK1", api_plan, TRUE, domains = list(E, YES))
from_design("dclus1_nofpc-JK1", "dclus1_nofpc", "JK1", api_plan, TRUE)
from_design("dclus2-JK1", "dclus2", "JK1", api_plan, FALSE)
from_design("dsrs_unstrat-JK1", "dsrs_unstrat", "JK1", api_plan, FALSE)
## JKn
from_design("dstrat-JKn", "dstrat", "JKn", api_plan, FALSE, domains = list(E, YES))
from_design("dstrat_nofpc-JKn", "dstrat_nofpc", "JKn", api_plan, FALSE)
from_design("dpoll-JKn", "dpoll", "JKn", c("income", "attitude", "support"), TRUE)
from_design("dpoll2-JKn", "dpoll2", "JKn", c("income", "attitude"), FALSE)
from_design("dfpc_fpc-JKn", "dfpc_fpc", "JKn", c("x"), TRUE)
from_design("dscd-JKn", "dscd", "JKn", c("alive", "arrests"), TRUE)
from_design("dclus2_str-JKn", "dclus2_str", "JKn", api_plan, TRUE)
for (rule in c("remove", "certainty", "adjust", "average")) {
  from_design(paste0("dlonely-JKn-", rule), "dlonely", "JKn", c("api00"), FALSE, lonely = rule)
  from_design(paste0("dlonely_fpc-JKn-", rule), "dlonely_fpc", "JKn", c("api00"), FALSE, lonely = rule)
}
## BRR and Fay
from_design("dscd-BRR", "dscd", "BRR", c("alive", "arrests"), TRUE)
from_design("dscd-Fay", "dscd", "Fay", c("alive", "arrests"), TRUE, rho = 0.3)
from_design("dpairs20-BRR", "dpairs20", "BRR", api_plan, TRUE, domains = list(E))
from_design("dpairs25-BRR", "dpairs25", "BRR", api_plan, TRUE)
from_design("dpairs25-Fay", "dpairs25", "Fay", api_plan, TRUE, rho = 0.5)
from_design("dpairs34-BRR", "dpairs34", "BRR", api_plan, TRUE)
from_design("dpoll-BRR", "dpoll", "BRR", c("income", "attitude"), TRUE)
from_design("dpoll-Fay", "dpoll", "Fay", c("income", "attitude"), TRUE, rho = 0.3)
from_design("dstrat-BRR", "dstrat", "BRR", api_plan, FALSE)

## From columns
from_columns("cols-JK1", "apiclus1_rep.csv", "pw", "jk1_[0-9]+", "JK1", api_plan,
             scale = rclus1$scale, domains = list(E))
from_columns("cols-JK1-guess", "apiclus1_rep.csv", "pw", "jk1_[0-9]+", "JK1", c("api00"))
from_columns("cols-JK1-factors", "apiclus1_rep.csv", "pw", "jk1f_[0-9]+", "JK1", api_plan,
             scale = rclus1$scale, combined = FALSE)
from_columns("cols-JKn", "apiclus2_rep.csv", "pw", "jkn_[0-9]+", "JKn", api_plan,
             rscales = jkn_rscales, domains = list(E))
from_columns("cols-other", "apiclus2_rep.csv", "pw", "jkn_[0-9]+", "other", c("api00", "stype"),
             scale = 1, rscales = jkn_rscales)
from_columns("cols-bootstrap-Rscale", "apiclus1_rep.csv", "pw", "boot_[0-9]+", "bootstrap", api_plan,
             scale = boot_scale_r)
from_columns("cols-bootstrap", "apiclus1_rep.csv", "pw", "boot_[0-9]+", "bootstrap", c("api00", "stype"))
from_columns("cols-Fay", "apistrat_pairs.csv", "pw", "fay_[0-9]+", "Fay", api_plan, rho = 0.5)
from_columns("cols-sdr", "apistrat_pairs.csv", "pw", "sdr_[0-9]+", "successive-difference", api_plan,
             domains = list(E))
from_columns("cols-ACS", "apistrat_pairs.csv", "pw", "sdr_[0-9]+", "ACS", c("api00", "stype"))
from_columns("cols-BRR-scd", "scd.csv", "one", "rw[0-9]+", "BRR", c("alive", "arrests"), combined = FALSE)

## The as.svrepdesign bootstrap that the bootstrap columns come from (R's RNG: TS cannot
## reproduce the replicates, only their use).
boot_case <- list(rcall = 'set.seed(20240517); as.svrepdesign(dclus1, type="bootstrap", replicates=50)',
                  scale = boot_scale_r, rscales = vec(bclus1$rscales), degf = degf(bclus1),
                  api00 = { e <- svymean(~api00, bclus1); list(estimate = vec(coef(e)), se = vec(SE(e))) },
                  linearizationSE = vec(SE(svymean(~api00, dclus1))))

## Errors R raises, for the typed errors' messages.
err <- function(expr) tryCatch({ expr; NA }, error = function(e) conditionMessage(e))
r_errors <- list(
  jk1Stratified = err(as.svrepdesign(make_design("dstrat"), type = "JK1")),
  jknUnstratified = err(as.svrepdesign(make_design("dclus1"), type = "JKn")),
  brrOdd = err(as.svrepdesign(make_design("dlonely_no413"), type = "BRR")),
  lonelyFail = err(as.svrepdesign(make_design("dlonely"), type = "JKn")),
  fayNoRho = err(svrepdesign(data = load_any("scd.csv"), type = "Fay", weights = ~one, repweights = "rw[0-9]+")),
  jknNoRscales = err(svrepdesign(data = load_any("apiclus2_rep.csv"), type = "JKn", weights = ~pw, repweights = "jkn_[0-9]+")),
  rscalesLength = err(svrepdesign(data = load_any("apiclus2_rep.csv"), type = "JKn", weights = ~pw, repweights = "jkn_[0-9]+", rscales = c(1, 2, 3)))
)

## ---- Hadamard matrices ---------------------------------------------------------------
md5_rows <- function(H) {
  f <- tempfile()
  writeLines(apply(H, 1, paste, collapse = ""), f)
  unname(tools::md5sum(f))
}
hex_rows <- function(H) {
  I(apply(H, 1, function(row) {
    bits <- c(row, rep(0, (4 - length(row) %% 4) %% 4))
    paste(sprintf("%x", colSums(matrix(bits, 4) * c(8, 4, 2, 1))), collapse = "")
  }))
}
hn <- lapply(1:400, function(n) { H <- survey:::hadamard(n); list(n = n, size = nrow(H), md5 = md5_rows(H)) })
full_sizes <- c(1, 13, 16, 20, 22, 24, 25, 32, 34, 79, 100)
hfull <- lapply(full_sizes, function(n) { H <- survey:::hadamard(n); list(n = n, size = nrow(H), rows = hex_rows(H)) })
hpre <- lapply(survey:::hadamard.list, function(H) list(size = nrow(H), rows = hex_rows(H)))

all_designs <- unique(vapply(cases, function(c) if (identical(c$from, "design")) c$design else NA_character_, ""))
all_designs <- c(all_designs[!is.na(all_designs)], "dlonely_no413")  # + the one of errors$brrOdd

write_ref(list(
  meta = meta("replicate", notes = c(
    "Replicate designs. cases[].from = 'design': as.svrepdesign(<design>, type, fay.rho) with options(survey.lonely.psu = lonelyPsu); 'columns': svrepdesign() on the CSV, repweights a regular expression on the column names.",
    "result.rscales is always expanded to one per replicate; result.warnings are R's warnings while building.",
    "weights: colSums / colSumsSq / colSumsRow (sum of row number * weight, rows 1-based) of the combined (analysis) weights per replicate; for small designs also factors (PSU x replicate, the compressed repweights) and index (row -> PSU, 1-based): combined weight = pweight * factors[index[i]][r].",
    "estimates: se/vcov with mse = FALSE (survey.replicates.mse default), seMse/vcovMse with the same replicates and mse = TRUE. Factor means are per level. naRm: R was called with na.rm = TRUE.",
    "mseCensusKept (totals on designs with strata sampled entirely, R's selfrep): R's svytotal leaves those strata's rows out of the replicate totals but not out of the estimate, so with mse = TRUE their whole total counts as error (seMse); mseCensusKept is R's svytotal with r$selfrep <- NULL, which keeps them, as surveykit does. With mse = FALSE both agree.",
    "domains: subset(repdesign, ...) (R drops the rows; degf is recomputed on the remaining rows).",
    "hadamard: survey:::hadamard(n) for n = 1..400 (size, md5 of the rows written as 0/1 strings, one per line, each ending in a newline); full matrices as hex rows (each hex digit = 4 entries, most significant first, last digit zero-padded); precooked = survey:::hadamard.list.",
    "bootstrap: the CSV columns boot_* are R's bootstrap replicates (set.seed(20240517)); surveykit's own bootstrap uses its own generator and cannot reproduce them."
  )),
  designs = specs_json(all_designs),
  cases = cases,
  bootstrap = boot_case,
  errors = r_errors,
  hadamard = list(byN = hn, full = hfull, precooked = hpre)
), "replicate")
