package io.vigil.job.http;


/**
 * What to do after an HTTP request to InfluxDB or Alertmanager: the one place HTTP outcomes are classified. 2xx: done;
 * 429 and 5xx: retry later with backoff; any other answer says the request itself is wrong, so retrying cannot help.
 * No answer at all is a retry too ({@link AsyncHttp}).
 */
public enum HttpOutcome {
    OK, RETRY, FATAL;

    public static HttpOutcome of(int status) {
        if (status / 100 == 2) {
            return OK;
        }
        // 429: throttled; 5xx includes InfluxDB's overload answer 500 "engine: error syncing wal"
        return status == 429 || status / 100 == 5 ? RETRY : FATAL;
    }
}
