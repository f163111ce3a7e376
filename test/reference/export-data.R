## Export the datasets used by the reference tests to test/reference/data/*.csv
##
## - survey's apistrat, apiclus1, apiclus2 (data(api)), fpc (data(fpc)), mu284 (data(mu284)),
##   all columns, factors written as their labels, NA written as an empty field.
## - derived copies used by particular designs (extra columns appended at the end):
##     apiclus1_prob.csv       apiclus1 + prob = 1/pw
##     apiclus2_frac.csv       apiclus2 + f1 = (#sampled districts)/fpc1, f2 = (#sampled schools in district)/fpc2
##     apiclus1_lonelyfpc.csv  apiclus1 + lfpc = ifelse(dnum == 413, 1, 1000)  (tests/lonely.psu.R)
##     apiclus1_no413.csv      subset(apiclus1, dnum != 413)                   (tests/lonely.psu.R)
## - poll.csv: synthetic stratified two-stage opinion poll, generated with set.seed(20211201).
##
## Run from the repository root:  Rscript test/reference/export-data.R

source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))  # ref_dir, data_dir, factor_levels
dir.create(data_dir, showWarnings = FALSE, recursive = TRUE)

## plain data.frame: factors -> labels, 1-d arrays (apiclus2$fpc2) -> vectors, attributes dropped
plain <- function(d) {
  d <- as.data.frame(lapply(d, function(x) {
    if (is.factor(x)) as.character(x) else { y <- as.vector(x); attributes(y) <- NULL; y }
  }), stringsAsFactors = FALSE, check.names = FALSE)
  rownames(d) <- NULL
  d
}
out <- function(d, file) {
  write.csv(d, file.path(data_dir, file), row.names = FALSE, na = "")
  message(sprintf("wrote %-24s %4d rows x %2d cols", file, nrow(d), ncol(d)))
}

data(api)
data(fpc)
data(mu284)

apistrat_p <- plain(apistrat)
apiclus1_p <- plain(apiclus1)
apiclus2_p <- plain(apiclus2)
out(apistrat_p, "apistrat.csv")
out(apiclus1_p, "apiclus1.csv")
out(apiclus2_p, "apiclus2.csv")
out(plain(fpc), "fpc.csv")
out(plain(mu284), "mu284.csv")

## derived copies
d <- apiclus1_p; d$prob <- 1 / d$pw
out(d, "apiclus1_prob.csv")

d <- apiclus2_p
n_dist <- length(unique(d$dnum))
d$f1 <- n_dist / d$fpc1
d$f2 <- ave(rep(1, nrow(d)), d$dnum, FUN = sum) / d$fpc2
out(d, "apiclus2_frac.csv")

d <- apiclus1_p; d$lfpc <- ifelse(d$dnum == 413, 1, 1000)
out(d, "apiclus1_lonelyfpc.csv")

out(apiclus1_p[apiclus1_p$dnum != 413, ], "apiclus1_no413.csv")

## ---- synthetic poll --------------------------------------------------------
set.seed(20211201)
regions <- c("Capital", "Central", "East", "North", "South", "West")
n_psu <- c(Capital = 8, Central = 8, East = 8, North = 4, South = 8, West = 8)
region_effect <- c(Capital = 0.5, Central = 0.1, East = -0.2, North = -0.5, South = 0.2, West = -0.1)
ages <- c("18-29", "30-39", "40-49", "50-59", "60+")
age_lo <- c(18, 30, 40, 50, 60); age_hi <- c(29, 39, 49, 59, 89)
rows <- list()
for (h in regions) {
  k <- n_psu[[h]]
  fpc1 <- sample(40:120, 1)
  for (j in seq_len(k)) {
    m <- sample(8:15, 1, prob = c(1, 1, 1, 1, 2, 3, 5, 8))
    fpc2 <- sample(200:2000, 1)
    psu_eff <- rnorm(1, 0, 0.4)
    sex <- sample(c("Female", "Male"), m, replace = TRUE, prob = c(0.52, 0.48))
    ag <- sample(1:5, m, replace = TRUE, prob = c(0.18, 0.18, 0.2, 0.2, 0.24))
    age <- as.integer(age_lo[ag] + floor(runif(m) * (age_hi[ag] - age_lo[ag] + 1)))
    eta <- -0.2 + region_effect[[h]] + psu_eff + 0.25 * (sex == "Female") - 0.15 * (ag - 3)
    support <- rbinom(m, 1, plogis(eta))
    u <- runif(m)
    attitude <- ifelse(support == 1,
                       ifelse(u < 0.65, "Positive", ifelse(u < 0.85, "Neutral", ifelse(u < 0.93, "Negative", "Hard to say"))),
                       ifelse(u < 0.15, "Positive", ifelse(u < 0.40, "Neutral", ifelse(u < 0.85, "Negative", "Hard to say"))))
    income <- round(exp(rnorm(m, 7.6 + 0.3 * psu_eff + 0.1 * (ag > 1 & ag < 5), 0.7)), 2)
    rows[[length(rows) + 1]] <- data.frame(
      region = h, psu = j, id = seq_len(m), fpc1 = fpc1, fpc2 = fpc2,
      pw = (fpc1 / k) * (fpc2 / m),
      sex = sex, agegroup = ages[ag], age = age, support = support,
      attitude = attitude, income = income, stringsAsFactors = FALSE)
  }
}
poll <- do.call(rbind, rows)
nr <- nrow(poll)
poll$support[sample(nr, round(0.03 * nr))] <- NA
poll$attitude[sample(nr, round(0.02 * nr))] <- NA
poll$income[sample(nr, round(0.05 * nr))] <- NA
poll$psu <- as.integer(poll$psu); poll$id <- as.integer(poll$id)
poll$fpc1 <- as.integer(poll$fpc1); poll$fpc2 <- as.integer(poll$fpc2)
poll$support <- as.integer(poll$support)
out(poll, "poll.csv")

## ---- round-trip check --------------------------------------------------------
## The reference scripts read these CSVs back; check that nothing is lost beyond 1e-14.
chk <- function(orig, file) {
  cc <- ifelse(vapply(orig, is.character, TRUE), "character", NA)
  back <- read.csv(file.path(data_dir, file), stringsAsFactors = FALSE, na.strings = "", check.names = FALSE,
                   colClasses = unname(cc))
  stopifnot(identical(names(back), names(orig)), nrow(back) == nrow(orig))
  for (v in names(orig)) {
    a <- orig[[v]]; b <- back[[v]]
    if (is.numeric(a)) {
      ok <- identical(is.na(a), is.na(b)) && isTRUE(all.equal(a[!is.na(a)], as.numeric(b[!is.na(b)]), tolerance = 1e-14))
    } else {
      ok <- identical(is.na(a) | a == "", is.na(b) | b == "") && all(a[!is.na(b)] == as.character(b[!is.na(b)]))
    }
    if (!ok) stop("round trip failed: ", file, " column ", v)
  }
}
chk(apistrat_p, "apistrat.csv"); chk(apiclus1_p, "apiclus1.csv"); chk(apiclus2_p, "apiclus2.csv")
chk(plain(fpc), "fpc.csv"); chk(plain(mu284), "mu284.csv"); chk(poll, "poll.csv")
message("round-trip check OK")

## the api factor levels in common.R must be those of survey's data(api)
for (v in names(factor_levels$api)) stopifnot(identical(levels(apistrat[[v]]), factor_levels$api[[v]]),
                                              identical(levels(apiclus1[[v]]), factor_levels$api[[v]]),
                                              identical(levels(apiclus2[[v]]), factor_levels$api[[v]]))

## test/reference/factor-levels.json (kept out of data/ so biome's test/reference/*.json ignore covers it): for each CSV, its factor columns and R's level order (estimates per level follow it)
csvs <- sort(list.files(data_dir, pattern = "[.]csv$"))
fl <- lapply(csvs, function(f) {
  d <- load_csv(f)
  facs <- names(d)[vapply(d, is.factor, TRUE)]
  setNames(lapply(facs, function(v) I(levels(d[[v]]))), facs)
})
names(fl) <- csvs
jsonlite::write_json(fl, file.path(ref_dir, "factor-levels.json"), auto_unbox = TRUE, pretty = TRUE)
message("wrote factor-levels.json")
