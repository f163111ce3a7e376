## R references for the poll analysis layer (src/poll/, test/poll/*.test.ts).
## Run from the repository root: Rscript test/reference/poll.R  -> poll.json
##
## Two designs:
##  - "small": a hand-made stratified cluster sample of 30 respondents (3 strata with 3, 2 and 3
##    PSUs numbered within strata, unequal weights), written into poll.json as columns so the
##    TypeScript test rebuilds it exactly. It has two respondents who refused the
##    multiple-response question (every option NA), one with a single option NA (partial
##    missingness: R's na.rm = TRUE drops the row, as surveykit's default), refusals (NA) and
##    "hard to say" (98) on the attitude items, and a missing subgroup value.
##  - "poll": the bundled synthetic poll data/belarus-2021-12.csv with
##    svydesign(id=~psu, strata=~stratum, weights=~design_weight, nest=TRUE); code 99 (refused)
##    is NA, 98 (hard to say) a real answer; the subgroup variables get the codebook's labels.
##
## What is computed (every interval: estimate ± qt(0.975, degf(design)) · SE, the poll layer's
## default df):
##  1. multiple response: svymean(~opt1+opt2+..., design, na.rm=TRUE) with vcov, mentions per 100
##     as svycontrast(m, rep(100, k)), and svycontrast(m, c(a=1, b=-1)) for pairs of options with
##     t = estimate/SE and p = 2·pt(-|t|, degf).
##  2. batteries: per item svymean(~factor(item), design, na.rm=TRUE) (level shares) and
##     svycontrast of the level shares for positive, positive-or-neutral, neutral, negative, dk
##     and net (positive − negative). Across items the bases differ (each item has its own
##     refusals), so svymean(~item1+item2, na.rm=TRUE) would use a common base and give other
##     estimates. Each item's statistic is instead written as a ratio of totals,
##        stat_j = sum(w · score_j · answered_j) / sum(w · answered_j),
##     and svyratio(numerators, denominators, design, covmat=TRUE) linearizes all the ratios
##     jointly on the full design: its vcov is the covariance of the items' statistics, each with
##     its own base (the same stacked influence functions surveykit's jointCovariance uses).
##     The pairs (numerator j, denominator j) are picked out of svyratio's numerator x
##     denominator grid.
##  3. subgroups: the share of an item's "support" answers in each level of a grouping variable
##     against the national share. R's svyby(..., covmat=TRUE) gives the covariance between
##     groups but not with the national estimate. Both are ratios of totals over the same
##     design:
##        sub_l = sum(w · y · answered · [g == l]) / sum(w · answered · [g == l])
##        nat   = sum(w · y · answered) / sum(w · answered)
##     so svyratio with numerators (y·a·[g==l] for every l, y·a) and denominators (a·[g==l],
##     a) and covmat=TRUE gives their joint covariance; the difference sub_l − nat is a
##     svycontrast of the diagonal pairs. A respondent with a missing group is in no subgroup
##     ([g == l] is 0) but in the national share. As a check, the subgroup shares and SEs equal
##     svyby(~I(y), ~g, subset(design, answered), svymean) (recorded as svyby*).
source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

root_dir <- normalizePath(file.path(ref_dir, "..", ".."))
num <- function(x) I(unname(as.numeric(x)))
ci_df <- function(est, se, df) {
  q <- qt(0.975, df)
  lapply(seq_along(est), function(i) I(c(est[i] - q * se[i], est[i] + q * se[i])))
}

## ---- the small hand-made design ------------------------------------------------
small <- data.frame(
  stratum = rep(c("A", "B", "C"), c(11, 8, 11)),
  psu = c(1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3,   1, 1, 1, 1, 2, 2, 2, 2,   1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3),
  w = c(10, 12, 10, 8, 15, 15, 9, 11, 11, 14, 10,   20, 22, 18, 20, 25, 19, 21, 20,   5, 7, 6, 6, 5, 8, 7, 6, 6, 5, 9),
  mr_a = c(1, 1, 0, 1, 1, 0, NA, 1, 1, 0, 1,   1, 0, 1, 1, 0, 0, 1, NA, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0),
  mr_b = c(1, 0, 0, 1, 0, 1, NA, 0, 1, 1, 0,   0, 1, 1, 0, 1, NA, 0, NA, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0),
  mr_c = c(0, 0, 1, 0, 0, 1, NA, 0, 0, 1, 0,   1, 0, 0, 0, 1, 0, 0, NA, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0),
  mr_none = c(0, 0, 0, 0, 0, 0, NA, 0, 0, 0, 0,   0, 0, 0, 0, 0, 1, 0, NA, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1),
  att_x = c(1, 2, 2, 3, 1, 4, 98, 2, NA, 1, 2,   3, 2, 5, 1, 2, 98, 3, 2, 1, 1, 2, 4, 3, 2, NA, 1, 2, 3, 2),
  att_y = c(3, 4, 5, 2, 3, 3, 98, 4, 5, 2, NA,   1, 3, 4, 4, 98, 2, 5, 3, 4, 3, 2, 1, 5, 4, 3, 98, 4, 3, 2),
  att_z = c(2, 2, 3, 98, 1, 2, 3, 4, 2, 1, 3,   2, 98, 3, 2, 1, 2, 4, 3, 2, 5, 1, 2, 3, NA, 2, 3, 1, 2, 98),
  coop = c(1, 1, 2, 1, 98, 1, 2, 1, NA, 1, 1,   2, 1, 1, 98, 1, 2, 1, 1, 1, 2, 1, 1, 98, 1, 2, 1, 1, NA, 1),
  grp = c("g1", "g2", "g1", "g3", "g2", "g1", "g1", "g3", "g2", NA, "g1",
          "g2", "g2", "g3", "g1", "g1", "g3", "g2", "g1", "g3", "g3", "g1", "g2", "g2", "g1", "g3", "g1", "g2", "g3", "g1"),
  stringsAsFactors = FALSE
)
stopifnot(nrow(small) == 30, all(lengths(small) == 30))
dsmall <- svydesign(id = ~psu, strata = ~stratum, weights = ~w, nest = TRUE, data = small)

## ---- the bundled poll ------------------------------------------------------------
codebook <- jsonlite::fromJSON(file.path(root_dir, "data", "codebook.json"), simplifyVector = FALSE)
labels_of <- function(v) {
  vv <- Filter(function(x) x$name == v, codebook$variables)[[1]]
  codes <- vapply(vv$values, function(x) as.character(x$code), "")
  labs <- vapply(vv$values, function(x) x$label, "")
  list(codes = codes, labels = labs)
}
poll <- read.csv(file.path(root_dir, "data", "belarus-2021-12.csv"), stringsAsFactors = FALSE)
countries <- c("russia", "china", "kazakhstan", "ukraine", "poland", "lithuania", "latvia",
               "germany", "usa", "azerbaijan", "uzbekistan", "armenia")
for (v in c(paste0("att_", countries), "eeu_kz_coop", "eeu_membership")) poll[[v]][poll[[v]] == 99] <- NA
for (v in c("agegroup", "region", "settlement", "education")) {
  l <- labels_of(v)
  poll[[v]] <- factor(l$labels[match(as.character(poll[[v]]), l$codes)], levels = l$labels)
}
dpoll <- svydesign(id = ~psu, strata = ~stratum, weights = ~design_weight, nest = TRUE, data = poll)

designs <- list(
  small = list(rcall = "svydesign(id=~psu, strata=~stratum, weights=~w, nest=TRUE, data=small)", degf = degf(dsmall)),
  poll = list(rcall = "svydesign(id=~psu, strata=~stratum, weights=~design_weight, nest=TRUE, data=poll)",
              data = "data/belarus-2021-12.csv", degf = degf(dpoll))
)
design_of <- function(name) switch(name, small = dsmall, poll = dpoll)

## ---- 1. multiple response -----------------------------------------------------------
mr_case <- function(id, dname, vars, pairs) {
  d <- design_of(dname)
  df <- degf(d)
  f <- as.formula(paste("~", paste(vars, collapse = "+")))
  m <- svymean(f, d, na.rm = TRUE)
  X <- d$variables[, vars]
  answered <- complete.cases(X)
  some <- rowSums(!is.na(X)) > 0
  mentions <- svycontrast(m, setNames(rep(100, length(vars)), vars))
  list(
    id = id, design = dname, call = sprintf("svymean(%s, %s, na.rm=TRUE)", deparse(f), dname),
    variables = strs(vars), n = sum(answered), nMissing = sum(!answered),
    nPartial = sum(some & !answered), degf = df,
    estimate = num(coef(m)), se = num(SE(m)), vcov = mat(vcov(m)),
    ci95_df = ci_df(coef(m), SE(m), df),
    mentions = list(call = "svycontrast(m, rep(100, k))", estimate = as.numeric(coef(mentions)),
                    se = as.numeric(SE(mentions))),
    contrasts = lapply(pairs, function(p) {
      cc <- svycontrast(m, setNames(c(1, -1), p))
      est <- as.numeric(coef(cc)); se <- as.numeric(SE(cc)); t <- est / se
      list(a = p[1], b = p[2], call = sprintf("svycontrast(m, c(%s=1, %s=-1))", p[1], p[2]),
           estimate = est, se = se, t = t, df = df, p = 2 * pt(-abs(t), df),
           ci95_df = I(c(est - qt(0.975, df) * se, est + qt(0.975, df) * se)))
    })
  )
}
rel <- c(paste0("rel_", countries), "rel_none", "rel_dk")
int <- c(paste0("int_", countries), "int_none", "int_dk")
mr <- list(
  mr_case("small-mr", "small", c("mr_a", "mr_b", "mr_c", "mr_none"),
          list(c("mr_a", "mr_b"), c("mr_b", "mr_c"), c("mr_a", "mr_none"))),
  mr_case("poll-reliable", "poll", rel,
          list(c("rel_kazakhstan", "rel_china"), c("rel_russia", "rel_kazakhstan"), c("rel_china", "rel_germany"))),
  mr_case("poll-interests", "poll", int,
          list(c("int_kazakhstan", "int_china"), c("int_russia", "int_kazakhstan"), c("int_china", "int_ukraine")))
)

## ---- 2. batteries -------------------------------------------------------------------
scale_codes <- c(1, 2, 3, 4, 5, 98)
stat_weights <- list(
  positive = c(1, 1, 0, 0, 0, 0), positiveOrNeutral = c(1, 1, 1, 0, 0, 0), neutral = c(0, 0, 1, 0, 0, 0),
  negative = c(0, 0, 0, 1, 1, 0), dk = c(0, 0, 0, 0, 0, 1), net = c(1, 1, 0, -1, -1, 0)
)
battery_case <- function(id, dname, items) {
  d <- design_of(dname)
  df <- degf(d)
  per_item <- lapply(items, function(v) {
    x <- factor(d$variables[[v]], levels = scale_codes)
    dd <- update(d, .x = x)
    m <- svymean(~.x, dd, na.rm = TRUE)
    stats <- lapply(stat_weights, function(cw) {
      cc <- svycontrast(m, cw)
      list(estimate = as.numeric(coef(cc)), se = as.numeric(SE(cc)))
    })
    list(variable = v, call = sprintf("svymean(~factor(%s, levels=c(1,2,3,4,5,98)), %s, na.rm=TRUE) + svycontrast", v, dname),
         codes = num(scale_codes), n = sum(!is.na(x)), nMissing = sum(is.na(x)),
         shares = num(coef(m)), sharesSe = num(SE(m)), sharesVcov = mat(vcov(m)),
         stats = stats)
  })
  ## cross-item covariance of each statistic (see the header): svyratio, covmat=TRUE
  cross <- lapply(names(stat_weights), function(s) {
    score <- setNames(stat_weights[[s]], scale_codes)
    numr <- sapply(items, function(v) { x <- d$variables[[v]]; ifelse(is.na(x), 0, score[as.character(x)]) })
    den <- sapply(items, function(v) as.numeric(!is.na(d$variables[[v]])))
    r <- svyratio(numr, den, d, covmat = TRUE)
    k <- length(items)
    pick <- (seq_len(k) - 1) * k + seq_len(k)   # (numerator j, denominator j) in svyratio's grid
    V <- vcov(r)[pick, pick]
    list(statistic = s, estimate = num(coef(r)[pick]), vcov = mat(V))
  })
  names(cross) <- names(stat_weights)
  list(id = id, design = dname, degf = df, items = per_item,
       crossCall = "svyratio(score_j * answered_j, answered_j, design, covmat=TRUE), pairs (j, j)",
       cross = cross)
}
battery <- list(
  battery_case("small-battery", "small", c("att_x", "att_y", "att_z")),
  battery_case("poll-attitudes", "poll", paste0("att_", countries))
)

## ---- 3. subgroups against the national share -----------------------------------------
subgroup_case <- function(id, dname, item, counts, by) {
  d <- design_of(dname)
  df <- degf(d)
  x <- d$variables[[item]]
  a <- as.numeric(!is.na(x))
  y <- as.numeric(!is.na(x) & x %in% counts)
  g <- d$variables[[by]]
  levs <- if (is.factor(g)) levels(g) else sort(unique(na.omit(g)))
  levs <- levs[vapply(levs, function(l) any(a[!is.na(g) & g == l] == 1), TRUE)]
  ing <- sapply(levs, function(l) as.numeric(!is.na(g) & g == l))
  numr <- cbind(y * a * ing, y * a)
  den <- cbind(a * ing, a)
  r <- svyratio(numr, den, d, covmat = TRUE)
  k <- length(levs) + 1
  pick <- (seq_len(k) - 1) * k + seq_len(k)
  est <- coef(r)[pick]
  V <- vcov(r)[pick, pick]
  nat <- list(estimate = as.numeric(est[k]), se = sqrt(V[k, k]))
  ## check: svyby on the respondents with an answer gives the same subgroup shares and SEs
  dd <- update(d, .y = y, .g = g)
  b <- svyby(~.y, ~.g, subset(dd, a == 1), svymean)
  rows <- lapply(seq_along(levs), function(l) {
    cw <- rep(0, length(pick)); cw[l] <- 1; cw[k] <- -1
    full <- rep(0, length(coef(r))); full[pick] <- cw
    cc <- svycontrast(r, full)
    de <- as.numeric(coef(cc)); dse <- as.numeric(SE(cc)); t <- de / dse
    list(subgroup = as.character(levs[l]), n = sum(a == 1 & ing[, l] == 1),
         estimate = as.numeric(est[l]), se = sqrt(V[l, l]), covWithNational = V[l, k],
         difference = de, differenceSe = dse, t = t, p = 2 * pt(-abs(t), df),
         differenceCi95_df = I(c(de - qt(0.975, df) * dse, de + qt(0.975, df) * dse)),
         svybyEstimate = as.numeric(coef(b)[as.character(levs[l])]),
         svybySe = as.numeric(SE(b)[match(as.character(levs[l]), rownames(b))]))
  })
  list(id = id, design = dname, degf = df, variable = item, counts = num(counts), by = by,
       call = "svyratio(cbind(y*a*[g==l], y*a), cbind(a*[g==l], a), design, covmat=TRUE) + svycontrast",
       national = nat, rows = rows)
}
subgroups <- list(
  subgroup_case("small-coop-by-grp", "small", "coop", 1, "grp"),
  subgroup_case("small-attx-by-grp", "small", "att_x", c(1, 2, 3), "grp"),
  subgroup_case("poll-kzcoop-by-agegroup", "poll", "eeu_kz_coop", 1, "agegroup"),
  subgroup_case("poll-kzcoop-by-region", "poll", "eeu_kz_coop", 1, "region"),
  subgroup_case("poll-kzcoop-by-settlement", "poll", "eeu_kz_coop", 1, "settlement"),
  subgroup_case("poll-kzcoop-by-education", "poll", "eeu_kz_coop", 1, "education"),
  subgroup_case("poll-membership-by-agegroup", "poll", "eeu_membership", 1, "agegroup")
)

write_ref(list(
  meta = meta("poll", c(
    "Intervals are Wald intervals with qt(0.975, degf(design)): the poll layer's default df.",
    "small: NA is missing (refused); 98 is 'hard to say', a real answer in the base.",
    "poll: 99 -> NA for att_*, eeu_*; multiple-response columns are NA for respondents who refused the question.",
    "Cross-item and subgroup-vs-national covariances come from svyratio(covmat=TRUE): see the comments in poll.R."
  )),
  designs = designs,
  smallData = lapply(small, function(col) if (is.character(col)) I(col) else num(col)),
  multipleResponse = mr,
  battery = battery,
  subgroups = subgroups
), "poll")
