package dev.imgcast.session.rest;

/** Session names and device ids: letters, digits, '.', '_', ':' and '-'. */
final class Names {
    static final String CHARS = "[A-Za-z0-9._:-]+";
    static final String MESSAGE = "may contain letters, digits, '.', '_', ':' and '-' only";

    private Names() {
    }
}
