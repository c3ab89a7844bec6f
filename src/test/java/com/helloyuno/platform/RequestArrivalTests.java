package com.helloyuno.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class RequestArrivalTests {

    @Test
    void theTimeIsTakenBeforeTheRestOfTheChainRuns() throws Exception {
        var request = new MockHttpServletRequest("POST", "/ask");
        var before = System.nanoTime();
        var seenInTheChain = new long[1];

        new RequestArrival()
                .doFilter(
                        request,
                        new MockHttpServletResponse(),
                        new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
                            @Override
                            protected void service(
                                    jakarta.servlet.http.HttpServletRequest req,
                                    jakarta.servlet.http.HttpServletResponse res) {
                                seenInTheChain[0] = RequestArrival.nanos(req);
                            }
                        }));

        assertThat(seenInTheChain[0]).isBetween(before, System.nanoTime());
        // Read again later, it is still the arrival, not the time of reading.
        assertThat(RequestArrival.nanos(request)).isEqualTo(seenInTheChain[0]);
    }

    @Test
    void aRequestThatPassedNoFilterArrivesNow() {
        var before = System.nanoTime();

        assertThat(RequestArrival.nanos(new MockHttpServletRequest())).isBetween(before, System.nanoTime());
    }
}
