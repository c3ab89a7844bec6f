package com.helloyuno.notify;

import com.helloyuno.net.AddressRefused;
import com.helloyuno.problem.ApiException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Proxy;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * POSTs one signed event to a webhook URL with OkHttp: the connection goes only to addresses that
 * the {@link WebhookUrls}' guard checked as it connected (OkHttp's {@code Dns} is the guard, so DNS
 * rebinding after the URL was saved finds a closed door), no redirect is followed, the whole call
 * is bounded by {@code timeout}, and at most {@code max-response-size} of the answer is read.
 */
@Component
class WebhookSender implements DisposableBean {

    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    private final WebhookUrls urls;
    private final NotifySettings.Webhooks settings;
    private final OkHttpClient client;
    private final Clock clock;

    @Autowired
    WebhookSender(WebhookUrls urls, NotifySettings settings) {
        this(urls, settings.webhooks(), Clock.systemUTC());
    }

    WebhookSender(WebhookUrls urls, NotifySettings.Webhooks settings, Clock clock) {
        this.urls = urls;
        this.settings = settings;
        this.clock = clock;
        this.client = new OkHttpClient.Builder()
                .dns(host -> urls.guard().allowedAddresses(host))
                .proxy(Proxy.NO_PROXY)
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .protocols(List.of(Protocol.HTTP_1_1))
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.timeout())
                .writeTimeout(settings.timeout())
                .callTimeout(settings.timeout())
                .build();
    }

    /**
     * Sends the event once.
     *
     * @param body the exact bytes signed and sent
     */
    Attempted send(String url, String secret, String eventId, String eventType, byte[] body) {
        HttpUrl httpUrl;
        try {
            httpUrl = HttpUrl.get(urls.parse("url", url).toString());
        } catch (ApiException | IllegalArgumentException e) {
            return Attempted.giveUp(null, "the webhook URL is not one Yuno sends to");
        }
        var timestamp = clock.instant().getEpochSecond();
        var request = new Request.Builder()
                .url(httpUrl)
                .post(RequestBody.create(body, JSON))
                .header("User-Agent", settings.userAgent())
                .header(Signature.HEADER, Signature.header(secret, timestamp, body))
                .header("Yuno-Event-Id", eventId)
                .header("Yuno-Event-Type", eventType)
                .build();
        var call = client.newCall(request);
        try (var response = call.execute()) {
            var status = response.code();
            // The answer is not used; reading a little of it lets a small one end cleanly, and the
            // cap keeps a receiver from making us read for ever.
            try (var stream = response.body().byteStream()) {
                stream.readNBytes((int) settings.maxResponseSize().toBytes());
            } catch (IOException ignored) {
                // The status is what counts.
            }
            if (status >= 200 && status < 300) {
                return Attempted.delivered(status);
            }
            if (status == 429 || status == 408 || status >= 500) {
                return Attempted.retry(status, "HTTP " + status, retryAfter(response.header("Retry-After")));
            }
            if (status >= 300 && status < 400) {
                return Attempted.giveUp(status, "HTTP " + status + ": redirects are not followed");
            }
            return Attempted.giveUp(status, "HTTP " + status);
        } catch (AddressRefused e) {
            return Attempted.giveUp(null, "the webhook host resolves to an address Yuno may not reach");
        } catch (UnknownHostException e) {
            return Attempted.retry(null, "the webhook host name does not resolve", null);
        } catch (InterruptedIOException e) {
            return Attempted.retry(null, "timed out", null);
        } catch (IOException e) {
            return Attempted.retry(
                    null, "could not connect or send (" + e.getClass().getSimpleName() + ")", null);
        }
    }

    /** Seconds, or an HTTP date. */
    @Nullable
    Duration retryAfter(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        var text = value.strip();
        try {
            var seconds = Long.parseLong(text);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            try {
                var at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                var wait = Duration.between(Instant.now(clock), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException ignored) {
                return null;
            }
        }
    }

    @Override
    public void destroy() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
