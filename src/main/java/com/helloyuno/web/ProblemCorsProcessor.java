package com.helloyuno.web;

import com.helloyuno.problem.Problems;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.cors.DefaultCorsProcessor;
import tools.jackson.databind.json.JsonMapper;

/**
 * Spring's CORS checks, but a refused cross-origin request gets the contract's problem document
 * ({@code origin_not_allowed}) instead of the plain text "Invalid CORS request".
 */
final class ProblemCorsProcessor extends DefaultCorsProcessor {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected void rejectRequest(ServerHttpResponse response) throws IOException {
        var problem = Problems.of(
                HttpStatus.FORBIDDEN, "origin_not_allowed", "Requests from this origin are not allowed here.");
        response.setStatusCode(HttpStatus.FORBIDDEN);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getBody().write(JSON.writeValueAsBytes(Problems.asMap(problem)));
        response.flush();
    }
}
