# mclust references for the quality benchmark: Mclust with its defaults over k 1–9 and the four models that
# match gaussmix's covariance types (VII spherical, VVI diag, EEE tied, VVV full; in 1-D mclust has only
# E = tied and V = the other three). Per cell: total log-likelihood, BIC (mclust's sign: higher is better),
# parameter count, and the fitted weights and covariances (so that bench/quality/degenerate.py can judge them).
# The time is that of the whole Mclust call (median of 3 calls below 20,000 samples, else one call).
#
#   Rscript bench/quality/mclust_refs.R [name ...]     (run from the repository root; default: every data set)
suppressMessages(library(mclust))
dataDir <- "bench/quality/data"
outDir <- "bench/quality/refs/mclust"
dir.create(outDir, showWarnings = FALSE, recursive = TRUE)
args <- commandArgs(TRUE)
names <- if (length(args)) args else sub("\\.csv$", "", list.files(dataDir, pattern = "\\.csv$"))

num <- function(x) if (length(x) == 0 || is.na(x)) "null" else sprintf("%.17g", x)
vec <- function(x) paste0("[", paste(vapply(x, num, ""), collapse = ","), "]")
mat <- function(m) paste0("[", paste(apply(m, 1, vec), collapse = ","), "]")
str <- function(s) paste0('"', s, '"')
ours <- c(VII = "spherical", VVI = "diag", EEE = "tied", VVV = "full")

for (name in names) {
  X <- as.matrix(read.csv(file.path(dataDir, paste0(name, ".csv"))))
  n <- nrow(X); d <- ncol(X)
  models <- if (d == 1) c("E", "V") else c("VII", "VVI", "EEE", "VVV")
  reps <- if (n < 20000) 3 else 1
  times <- numeric(reps)
  for (r in seq_len(reps)) times[r] <- system.time(fit <- Mclust(X, G = 1:9, modelNames = models, verbose = FALSE))[["elapsed"]]
  BIC <- fit$BIC
  cells <- character(0)
  for (g in 1:9) for (m in models) {
    types <- if (d == 1) (if (m == "E") "tied" else c("spherical", "diag", "full")) else ours[[m]]
    b <- BIC[as.character(g), m]
    npar <- nMclustParams(m, d, g)
    body <- if (is.na(b)) sprintf('"loglik":null,"bic":null,"nParameters":%d', npar) else {
      s <- summary(BIC, X, G = g, modelNames = m)
      sig <- if (d == 1) array(rep_len(s$parameters$variance$sigmasq, g), c(1, 1, g)) else s$parameters$variance$sigma
      covs <- paste0("[", paste(vapply(seq_len(g), function(j) mat(matrix(sig[, , j], d, d)), ""), collapse = ","), "]")
      sprintf('"loglik":%s,"bic":%s,"nParameters":%d,"weights":%s,"covariances":%s',
              num(s$loglik), num(b), npar, vec(rep_len(s$parameters$pro, g)), covs)
    }
    for (t in types) cells <- c(cells, sprintf('{"k":%d,"covarianceType":%s,"mclustModel":%s,%s}', g, str(t), str(m), body))
  }
  json <- sprintf('{"generator":%s,"dataset":%s,"n":%d,"d":%d,"call":%s,"seconds":%s,"secondsAll":%s,"chosen":{"k":%d,"mclustModel":%s,"bic":%s,"loglik":%s},"cells":[\n%s\n]}\n',
                  str(paste0("R ", getRversion(), ", mclust ", packageVersion("mclust"))), str(name), n, d,
                  str(sprintf("Mclust(X, G = 1:9, modelNames = c(%s))", paste0("\\\"", models, "\\\"", collapse = ", "))),
                  num(median(times)), vec(times), fit$G, str(fit$modelName), num(fit$bic), num(fit$loglik),
                  paste(cells, collapse = ",\n"))
  writeLines(json, file.path(outDir, paste0(name, ".json")), sep = "")
  cat(name, "chosen", fit$modelName, fit$G, "BIC", fit$bic, "loglik", fit$loglik, "time", median(times), "s\n")
}
