package com.helloyuno.site;

import org.jspecify.annotations.Nullable;

/**
 * Who is calling the owner/operator API: the operator, who reaches every site, or the owner of
 * one site. The security filter puts it in the security context; controllers read it with
 * {@code @AuthenticationPrincipal}.
 *
 * @param ownedSiteId the site of an owner key, {@code null} for the operator
 */
public record ApiCaller(@Nullable String ownedSiteId) {

    public static ApiCaller operator() {
        return new ApiCaller(null);
    }

    public static ApiCaller owner(String siteId) {
        return new ApiCaller(siteId);
    }

    public boolean isOperator() {
        return ownedSiteId == null;
    }

    public boolean mayAccess(String siteId) {
        return isOperator() || ownedSiteId.equals(siteId);
    }

    @Override
    public String toString() {
        return isOperator() ? "operator" : "owner of " + ownedSiteId;
    }
}
