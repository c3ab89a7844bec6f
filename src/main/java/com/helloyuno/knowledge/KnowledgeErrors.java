package com.helloyuno.knowledge;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** The refusals of the knowledge base's documents and crawls, each with the contract's code. */
final class KnowledgeErrors {

    private KnowledgeErrors() {}

    /**
     * The URL's host resolves to an address the crawler may not reach: loopback, private,
     * link-local, multicast, unspecified or cloud metadata.
     */
    static final class AddressNotAllowed extends ApiException {
        AddressNotAllowed(String detail) {
            super(HttpStatus.BAD_REQUEST, "address_not_allowed", detail);
        }
    }

    /** The document is of a type the knowledge base cannot read. */
    static final class ContentTypeUnsupported extends ApiException {
        ContentTypeUnsupported(String detail) {
            super(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", detail);
        }
    }

    /** No such crawl job in this site. */
    static final class CrawlNotFound extends ApiException {
        CrawlNotFound(String detail) {
            super(HttpStatus.NOT_FOUND, "crawl_not_found", detail);
        }
    }

    /** A crawl request with a value out of range. */
    static final class CrawlRequestInvalid extends ApiException {
        CrawlRequestInvalid(String detail) {
            super(HttpStatus.BAD_REQUEST, "invalid_request", detail);
        }
    }

    /** The document holds no text. */
    static final class DocumentEmpty extends ApiException {
        DocumentEmpty(String detail) {
            super(HttpStatus.BAD_REQUEST, "document_empty", detail);
        }
    }

    /** No such document in this site. */
    static final class DocumentNotFound extends ApiException {
        DocumentNotFound(String detail) {
            super(HttpStatus.NOT_FOUND, "document_not_found", detail);
        }
    }

    /** A document request with a field that is missing or invalid. */
    static final class DocumentRequestInvalid extends ApiException {
        DocumentRequestInvalid(String detail) {
            super(HttpStatus.BAD_REQUEST, "invalid_request", detail);
        }
    }

    /** The document is over one of the knowledge base's limits (size, characters or chunks). */
    static final class DocumentTooLarge extends ApiException {
        DocumentTooLarge(String detail) {
            super(HttpStatus.CONTENT_TOO_LARGE, "document_too_large", detail);
        }
    }

    /** The file claims a supported type but could not be read, e.g. a damaged or encrypted PDF. */
    static final class DocumentUnreadable extends ApiException {
        DocumentUnreadable(String detail) {
            super(HttpStatus.UNPROCESSABLE_CONTENT, "document_unreadable", detail);
        }
    }

    /** The URL is not an absolute URL. */
    static final class UrlInvalid extends ApiException {
        UrlInvalid(String detail) {
            super(HttpStatus.BAD_REQUEST, "invalid_request", detail);
        }
    }

    /** The URL's host is not one of the site's domains. */
    static final class UrlOutsideSite extends ApiException {
        UrlOutsideSite(String detail) {
            super(HttpStatus.BAD_REQUEST, "url_outside_site", detail);
        }
    }

    /** Only http and https URLs are fetched; file:, ftp:, data: and others are refused. */
    static final class UrlSchemeNotAllowed extends ApiException {
        UrlSchemeNotAllowed(String detail) {
            super(HttpStatus.BAD_REQUEST, "url_scheme_not_allowed", detail);
        }
    }
}
