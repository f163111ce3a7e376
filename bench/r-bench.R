# The operations of `npm run bench` in R's survey package, on the same files:
#   Rscript bench/r-bench.R POLL.csv MARGINS.json RUNS OUT.json [POLL.sav]
# Times each operation (elapsed and CPU: user + system, proc.time) and writes, per operation, the
# median ms of its runs, the runs, the median CPU ms, and a number from the result to check against
# surveykit's. An operation whose first run takes more than a minute is timed once; one over 10 s
# gets at most 3 runs. Run by bench/run.ts.
suppressPackageStartupMessages({
  library(survey)
  library(data.table)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
csv <- args[1]
margins_path <- args[2]
runs <- as.integer(args[3])
out <- args[4]
sav <- if (length(args) >= 5) args[5] else NA

# SURVEYKIT_BENCH_ONLY (npm run bench -- --only ...): the operations to time; the others are
# skipped (their results, when later ones need them, made once untimed)
only_env <- Sys.getenv("SURVEYKIT_BENCH_ONLY")
only <- if (nzchar(only_env)) strsplit(only_env, ",")[[1]] else NULL
skipped <- function(id) !is.null(only) && !(id %in% only)

results <- list()
timed <- function(id, f, needed = FALSE) {
  if (skipped(id)) return(if (needed) f() else NULL)
  times <- numeric(0)
  cpu <- numeric(0)
  value <- NULL
  repeat {
    gc(FALSE)
    t0 <- proc.time()
    value <- f()
    t1 <- proc.time()
    times <- c(times, 1000 * (t1[["elapsed"]] - t0[["elapsed"]]))
    cpu <- c(cpu, 1000 * (t1[["user.self"]] + t1[["sys.self"]] - t0[["user.self"]] - t0[["sys.self"]]))
    first <- times[1]
    limit <- if (first > 60000) 1 else if (first > 10000) min(runs, 3) else runs
    if (length(times) >= limit) break
  }
  note <- if (times[1] > 60000) "over 60 s: timed once" else NULL
  results[[id]] <<- list(ms = median(times), runs = times, cpuMs = median(cpu), note = note)
  message(sprintf("  R %s: %.1f ms (CPU %.1f ms; %d run%s)", id, median(times), median(cpu),
                  length(times), if (length(times) > 1) "s" else ""))
  value
}
check <- function(id, x) {
  if (skipped(id)) return(invisible(NULL)) # x, not evaluated, may need a skipped result
  results[[id]]$check <<- unname(as.numeric(x)[1])
}

# ---- Loading -----------------------------------------------------------------------------------
df <- timed("loadCsv", function() fread(csv, data.table = FALSE), needed = TRUE)
check("loadCsv", nrow(df))
if (!is.na(sav) && !skipped("loadSav") && requireNamespace("haven", quietly = TRUE)) {
  s <- timed("loadSav", function() haven::read_sav(sav))
  check("loadSav", nrow(s))
  rm(s)
}
for (v in c("attitude", "region", "sex", "agegroup")) df[[v]] <- factor(df[[v]])

# ---- Design, estimators -------------------------------------------------------------------------
des <- timed("design", function() {
  svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = df)
}, needed = TRUE)
check("design", degf(des))
check("mean", SE(timed("mean", function() svymean(~income, des, na.rm = TRUE))))
check("meanCat", SE(timed("meanCat", function() svymean(~attitude, des))))
check("total", SE(timed("total", function() svytotal(~income, des, na.rm = TRUE))))
check("by", SE(timed("by", function() svyby(~support, ~region, des, svymean)))[1])
check("chisq", timed("chisq", function() svychisq(~attitude + sex, des))$statistic)

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
rk <- timed("rake", function() {
  rake(des, list(~sex, ~agegroup, ~region), pop,
       control = list(maxit = 100, epsilon = 1e-8, verbose = FALSE))
})
check("rake", weights(rk)[1])
rm(rk)
population <- c(`(Intercept)` = total)
for (v in c("sex", "agegroup", "region")) {
  lv <- levels(df[[v]])[-1]
  population[paste0(v, lv)] <- unlist(m[[v]])[lv]
}
cal <- timed("calibrate", function() {
  calibrate(des, ~sex + agegroup + region, population = population, calfun = "linear")
})
check("calibrate", weights(cal)[1])
rm(cal)

# ---- Quantile, multiple response ----------------------------------------------------------------
q <- timed("quantile", function() {
  svyquantile(~income, des, quantiles = 0.5, ci = TRUE, na.rm = TRUE)
})
check("quantile", confint(q)[1, 1])
opts <- grep("^opt[0-9]+$", names(df), value = TRUE)
mr <- as.formula(paste("~", paste(opts, collapse = " + ")))
check("multiResponse", SE(timed("multiResponse", function() svymean(mr, des, na.rm = TRUE)))[1])

# ---- Models: logistic regressions on 4 factors (14 coefficients), and on 3 factors and income
# (12 coefficients; income missing for 3%) ---------------------------------------------------------
GLM_FORMULA <- support ~ sex + agegroup + region + attitude
GLM_NUM_FORMULA <- support ~ sex + agegroup + region + income
check("glm", SE(timed("glm", function() svyglm(GLM_FORMULA, des, family = quasibinomial())))[1])
check("glmNum", SE(timed("glmNum", function() svyglm(GLM_NUM_FORMULA, des, family = quasibinomial())))[1])

# ---- 80 replicate weights, as surveykit builds them: PSU id mod 80 = r dropped, others w·80/79 --
if (!all(vapply(c("repMean", "repGlm", "repGlmNum"), skipped, TRUE))) {
  R <- 80L
  reps <- matrix(0, nrow(df), R)
  for (r in seq_len(R)) reps[, r] <- ifelse(df$psu %% R == r - 1, 0, df$weight * R / (R - 1))
  rdes <- svrepdesign(data = df, repweights = reps, weights = ~weight, type = "JK1",
                      scale = (R - 1) / R, combined.weights = TRUE)
  check("repMean", SE(timed("repMean", function() svymean(~income, rdes, na.rm = TRUE))))
  check("repGlm", SE(timed("repGlm", function() svyglm(GLM_FORMULA, rdes, family = quasibinomial())))[1])
  check("repGlmNum", SE(timed("repGlmNum", function() svyglm(GLM_NUM_FORMULA, rdes, family = quasibinomial())))[1])
}

info <- list(
  r = R.version.string,
  survey = as.character(packageVersion("survey")),
  data.table = as.character(packageVersion("data.table")),
  threads = getDTthreads()
)
writeLines(toJSON(list(info = info, operations = results), auto_unbox = TRUE, digits = NA,
                  null = "null"), out)
