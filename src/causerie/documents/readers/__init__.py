"""One module per family of formats (pdf, office: DOCX and ODT, markup: HTML, Markdown, TXT), and common:
the accepted formats, errors, limits and the heading path they share. Callers use `causerie.documents.formats`."""
