# The operations of `npm run bench` in R's survey package, on the same files:
#   Rscript bench/r-bench.R POLL.csv MARGINS.json RUNS OUT.json [POLL.sav] [--only id,id]
# Times each operation (proc.time: elapsed, and the process's CPU time, user + system) and writes,
# per operation, the medians of its runs, the runs, and a number from the result to check against
# surveykit's. An operation whose first run takes more than a minute is timed once; one over 10 s
# gets at most 3 runs. Run by bench/run.ts, once per file (sorted by PSU, and in random order). To
# bench a new operation, add a `bench("id", ...)` below with the id of its entry in
# bench/operations.ts.
suppressPackageStartupMessages({
  library(survey)
  library(data.table)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
only_at <- match("--only", args)
only <- if (is.na(only_at)) NULL else strsplit(args[only_at + 1], ",")[[1]]
if (!is.na(only_at)) args <- args[-c(only_at, only_at + 1)]
csv <- args[1]
margins_path <- args[2]
runs <- as.integer(args[3])
out <- args[4]
sav <- if (length(args) >= 5) args[5] else NA

results <- list()
wanted <- function(id) is.null(only) || id %in% only
cpu_now <- function(p) p[["user.self"]] + p[["sys.self"]]
timed <- function(id, f) {
  times <- numeric(0)
  cpu <- numeric(0)
  value <- NULL
  repeat {
    gc(FALSE)
    p0 <- proc.time()
    value <- f()
    p1 <- proc.time()
    times <- c(times, 1000 * (p1[["elapsed"]] - p0[["elapsed"]]))
    cpu <- c(cpu, 1000 * (cpu_now(p1) - cpu_now(p0)))
    first <- times[1]
    limit <- if (first > 60000) 1 else if (first > 10000) min(runs, 3) else runs
    if (length(times) >= limit) break
  }
  note <- if (times[1] > 60000) "over 60 s: timed once" else NULL
  results[[id]] <<- list(ms = median(times), runs = times, cpuMs = median(cpu), cpuRuns = cpu,
                         note = note)
  message(sprintf("  R %s: CPU %.1f ms, wall %.1f ms (%d run%s)", id, median(cpu),
                  median(times), length(times), if (length(times) > 1) "s" else ""))
  value
}
check <- function(id, x) results[[id]]$check <<- unname(as.numeric(x)[1])
# Times f() as operation `id` (when wanted) and records check(result) beside it.
bench <- function(id, f, checked) {
  if (!wanted(id)) return(invisible(NULL))
  check(id, checked(timed(id, f)))
}

# ---- Loading -----------------------------------------------------------------------------------
df <- if (wanted("loadCsv")) {
  timed("loadCsv", function() fread(csv, data.table = FALSE, na.strings = c("", "NA")))
} else fread(csv, data.table = FALSE, na.strings = c("", "NA"))
if (wanted("loadCsv")) check("loadCsv", nrow(df))
if (!is.na(sav) && wanted("loadSav") && requireNamespace("haven", quietly = TRUE)) {
  s <- timed("loadSav", function() haven::read_sav(sav))
  check("loadSav", nrow(s))
  rm(s)
}
items <- grep("^q[0-9]+$", names(df), value = TRUE)
for (v in c("attitude", "region", "sex", "agegroup", items)) df[[v]] <- factor(df[[v]])

# ---- Design, estimators -------------------------------------------------------------------------
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = df)
bench("design", function() {
  svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = df)
}, degf)
bench("mean", function() svymean(~income, des, na.rm = TRUE), SE)
bench("meanCat", function() svymean(~attitude, des), function(x) SE(x)[["attitudePositive"]])
bench("total", function() svytotal(~income, des, na.rm = TRUE), SE)
bench("by", function() svyby(~support, ~region, des, svymean),
      function(x) SE(x)[rownames(x) == "Brest"])
bench("byCat", function() svyby(~attitude, ~region, des, svymean),
      function(x) SE(x)["Brest", "se.attitudePositive"])
bench("chisq", function() svychisq(~attitude + sex, des), function(x) x$statistic)
bench("chisq74", function() svychisq(~region + attitude, des), function(x) x$statistic)
# svyTable's n-way form: every cell's count and share of the total, with standard errors.
bench("table", function() {
  list(svytotal(~interaction(region, attitude), des),
       svymean(~interaction(region, attitude), des))
}, function(x) SE(x[[1]])[["interaction(region, attitude)Brest.Positive"]])
bench("ciPropLogit", function() svyciprop(~I(support == 1), des, method = "logit"),
      function(x) confint(x)[1])
bench("ciPropBeta", function() svyciprop(~I(support == 1), des, method = "beta"),
      function(x) confint(x)[1])
bench("quantile", function() {
  svyquantile(~income, des, quantiles = 0.5, ci = TRUE, na.rm = TRUE)
}, function(x) confint(x)[1, 1])
opts <- grep("^opt[0-9]+$", names(df), value = TRUE)
mr <- as.formula(paste("~", paste(opts, collapse = " + ")))
bench("multiResponse", function() svymean(mr, des, na.rm = TRUE), function(x) SE(x)[1])

# svySubgroups: the share of "Positive" in each level of region, agegroup and sex, and its
# difference from the national share with the covariance of the two (svyratio, covmat = TRUE).
bench("subgroups", function() {
  d <- update(des, pos = as.numeric(attitude == "Positive"), one = 1)
  out <- list()
  for (v in c("region", "agegroup", "sex")) {
    for (l in levels(df[[v]])) {
      dg <- update(d, g = as.numeric(d$variables[[v]] == l))
      dg <- update(dg, posg = pos * g)
      r <- svyratio(~posg + pos, ~g + one, dg, covmat = TRUE)
      V <- vcov(r)
      k <- c("posg/g", "pos/one")
      out[[paste(v, l)]] <- sqrt(V[k[1], k[1]] + V[k[2], k[2]] - 2 * V[k[1], k[2]])
    }
  }
  out
}, function(x) x[["region Brest"]])

# svyBattery: per item the answers' shares and the six answer-group scores, each with its SE.
bench("battery", function() {
  lapply(items, function(q) {
    f <- df[[q]]
    pos <- ifelse(is.na(f), NA, as.numeric(f %in% c("Agree", "Rather agree")))
    neu <- ifelse(is.na(f), NA, as.numeric(f == "Neutral"))
    neg <- ifelse(is.na(f), NA, as.numeric(f == "Disagree"))
    dk <- ifelse(is.na(f), NA, as.numeric(f == "Hard to say"))
    d <- update(des, pos = pos, posneu = pos + neu, neu = neu, neg = neg, dk = dk,
                net = pos - neg)
    list(svymean(as.formula(paste0("~", q)), des, na.rm = TRUE),
         svymean(~pos + posneu + neu + neg + dk + net, d, na.rm = TRUE))
  })
}, function(x) SE(x[[1]][[2]])[["net"]])

# ---- Weighting (the margins surveykit wrote) ----------------------------------------------------
m <- fromJSON(margins_path)
pop <- lapply(names(m), function(v) {
  d <- data.frame(names(m[[v]]), unlist(m[[v]]), stringsAsFactors = FALSE)
  names(d) <- c(v, "Freq")
  d
})
total <- sum(unlist(m$sex))
# R's rake stops when no cell of the weighted sex x agegroup x region table moves by more than
# epsilon between sweeps; an epsilon below 1 is relative to the sum of the weights: 1e-8, as
# surveykit's relative 1e-8 on the margins.
rake_control <- list(maxit = 100, epsilon = 1e-8, verbose = FALSE)
bench("rake", function() rake(des, list(~sex, ~agegroup, ~region), pop, control = rake_control),
      function(x) weights(x)[1])
population <- c(`(Intercept)` = total)
for (v in c("sex", "agegroup", "region")) {
  lv <- levels(df[[v]])[-1]
  population[paste0(v, lv)] <- unlist(m[[v]])[lv]
}
bench("calibrate", function() {
  calibrate(des, ~sex + agegroup + region, population = population, calfun = "linear")
}, function(x) weights(x)[1])

# ---- Models: logistic regressions on 4 factors (14 coefficients), and on 3 factors and income
# (12 coefficients; income missing for 3%) ---------------------------------------------------------
GLM_FORMULA <- support ~ sex + agegroup + region + attitude
GLM_NUM_FORMULA <- support ~ sex + agegroup + region + income
first_se <- function(x) SE(x)[1]
bench("glm", function() svyglm(GLM_FORMULA, des, family = quasibinomial()), first_se)
bench("glmNum", function() svyglm(GLM_NUM_FORMULA, des, family = quasibinomial()), first_se)

# ---- 80 replicate weights, as surveykit builds them: PSU id mod 80 = r dropped, others w·80/79 --
if (any(vapply(c("repMean", "repRake", "repGlm", "repGlmNum"), wanted, TRUE))) {
  R <- 80L
  reps <- matrix(0, nrow(df), R)
  for (r in seq_len(R)) reps[, r] <- ifelse(df$psu %% R == r - 1, 0, df$weight * R / (R - 1))
  rdes <- svrepdesign(data = df, repweights = reps, weights = ~weight, type = "JK1",
                      scale = (R - 1) / R, combined.weights = TRUE)
  rm(reps)
  bench("repMean", function() svymean(~income, rdes, na.rm = TRUE), SE)
  # weights() of a replicate design are the replicate weights: the first row's of replicate 1.
  bench("repRake", function() {
    rake(rdes, list(~sex, ~agegroup, ~region), pop, control = rake_control)
  }, function(x) weights(x)[1, 1])
  bench("repGlm", function() svyglm(GLM_FORMULA, rdes, family = quasibinomial()), first_se)
  bench("repGlmNum", function() svyglm(GLM_NUM_FORMULA, rdes, family = quasibinomial()), first_se)
}

info <- list(
  r = R.version.string,
  survey = as.character(packageVersion("survey")),
  data.table = as.character(packageVersion("data.table")),
  threads = getDTthreads()
)
writeLines(toJSON(list(info = info, operations = results), auto_unbox = TRUE, digits = NA,
                  null = "null"), out)
