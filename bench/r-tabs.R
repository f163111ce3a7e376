# The banner-table benchmark's tab book in R's survey package, on the same file:
#   Rscript bench/r-tabs.R POLL.csv OUT.json
# For each of the 30 questions and each of the 5 banner variables: svyby(covmat = TRUE) of the
# question (a factor's level shares, a net, a mean, or the multiple-response options and mentions
# per 100) and svycontrast for every pair of the variable's columns at every level, with
# p = 2 pt(-|t|, degf); the Total with svymean. Timed once (elapsed), as it takes minutes. Writes
# the time and the numbers bench/tabs.ts compares with surveykit's. Run by bench/tabs.ts.
suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
csv <- args[1]
out <- args[2]

df <- read.csv(csv, stringsAsFactors = FALSE, na.strings = "")
scale <- c("Fully agree", "Rather agree", "Neither", "Rather disagree", "Fully disagree")
levs <- list(
  sex = c("Male", "Female"), agegroup = c("18-29", "30-44", "45-59", "60+"),
  region = c("Brest", "Vitebsk", "Gomel", "Grodno", "Minsk city", "Minsk region", "Mogilev"),
  settlement = c("City", "Town", "Village"), education = c("Basic", "Secondary", "Vocational", "Higher"),
  attitude = c("Positive", "Neutral", "Negative", "Hard to say")
)
for (v in names(levs)) df[[v]] <- factor(df[[v]], levels = levs[[v]])
qs <- paste0("q", 1:26)
for (q in qs) df[[q]] <- factor(df[[q]], levels = scale)
opts <- paste0("opt", 1:12)
df$net <- ifelse(is.na(df$attitude), NA, as.numeric(df$attitude %in% c("Positive", "Neutral")))
df$answered <- complete.cases(df[, opts])
df$mentions <- ifelse(df$answered, 100 * rowSums(df[, opts]), NA)
banner <- c("sex", "agegroup", "region", "settlement", "education")

t0 <- proc.time()[["elapsed"]]
d <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = df)
dfree <- degf(d)
pairs_of <- function(b, names) {
  out <- list()
  for (i in seq_along(names)) for (j in seq_along(names)) if (i < j) {
    cc <- svycontrast(b, setNames(c(1, -1), names[c(i, j)]))
    t <- coef(cc) / SE(cc)
    out[[length(out) + 1]] <- c(se = unname(SE(cc)), p = unname(2 * pt(-abs(t), dfree)))
  }
  out
}
book <- list()
tab <- function(formula, design) {
  total <- svymean(formula, design, na.rm = TRUE)
  lapply(banner, function(g) {
    b <- svyby(formula, as.formula(paste0("~", g)), design, svymean, covmat = TRUE)
    cf <- names(coef(b))
    # one contrast per pair of columns per estimated quantity
    groups <- levels(design$variables[[g]])
    vars <- attr(b, "svyby")$variables
    res <- list()
    for (v in vars) {
      nm <- if (length(vars) == 1) groups else paste0(groups, ":", v)
      res[[v]] <- pairs_of(b, nm[nm %in% cf])
    }
    list(total = total, by = b, pairs = res)
  })
}
for (q in c(qs, "attitude")) book[[q]] <- tab(as.formula(paste0("~", q)), d[!is.na(df[[q]]), ])
book$net <- tab(~net, d[!is.na(df$net), ])
book$income <- tab(~income, d[!is.na(df$income), ])
book$partners <- tab(as.formula(paste0("~", paste(c(opts, "mentions"), collapse = "+"))), d[df$answered, ])
elapsed <- 1000 * (proc.time()[["elapsed"]] - t0)
message(sprintf("  R tab book: %.0f ms", elapsed))

# the numbers bench/tabs.ts compares: q1's first level, sex Male - Female, region Brest - Gomel
b1 <- book$q1[[1]]$by
q1sex <- book$q1[[1]]$pairs[[1]][[1]]
b3 <- book$q1[[3]]$by
reg <- svycontrast(b3, setNames(c(1, -1), c("Brest:q1Fully agree", "Gomel:q1Fully agree")))
regt <- coef(reg) / SE(reg)
write_json(list(
  ms = elapsed,
  r = R.version.string, survey = as.character(packageVersion("survey")),
  check = list(
    q1FirstSeMale = unname(as.matrix(SE(b1))[1, 1]),
    sexDifferenceSe = unname(q1sex[["se"]]), sexP = unname(q1sex[["p"]]),
    regionDifferenceSe = unname(SE(reg)), regionP = unname(2 * pt(-abs(regt), dfree)),
    df = dfree
  )
), out, auto_unbox = TRUE, digits = NA)
