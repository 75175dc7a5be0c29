"""Catalogue entries of documents formats: reading a user's file (`causerie.documents.formats`), the errors
of a bad file and the warnings of a partly readable one."""

DOCUMENTS_FORMATS: dict[str, dict[str, str]] = {
    "documents.formats.accepted": {
        "fr": "Formats acceptés : {accepted}.",
        "en": "Accepted formats: {accepted}.",
    },
    "documents.formats.unsupported": {
        "fr": "« {file} » : ce type de fichier ({found}) n'est pas pris en charge. Formats acceptés : "
        "{accepted}. Enregistrez ou exportez le document dans l'un d'eux, puis réessayez.",
        "en": "'{file}': this type of file ({found}) is not supported. Accepted formats: {accepted}. "
        "Save or export the document in one of them, then retry.",
    },
    "documents.formats.mismatch": {
        "fr": "« {file} » porte le nom d'un fichier {kind}, mais son contenu n'en est pas un (fichier "
        "renommé ou endommagé). Ré-enregistrez-le au format {kind} depuis son application, puis réessayez.",
        "en": "'{file}' is named as a {kind} file, but its content is not one (a renamed or damaged file). "
        "Save it again as {kind} from its application, then retry.",
    },
    "documents.formats.corrupt": {
        "fr": "« {file} » n'est pas un fichier {kind} lisible : il est endommagé ou incomplet. "
        "Ré-exportez-le depuis son application (ou téléchargez-le à nouveau), puis réessayez.",
        "en": "'{file}' is not a readable {kind} file: it is damaged or incomplete. Export it again from "
        "its application (or download it again), then retry.",
    },
    "documents.formats.encrypted": {
        "fr": "« {file} » est protégé par un mot de passe : retirez la protection (par exemple en "
        "l'imprimant en PDF depuis votre lecteur après l'avoir ouvert), puis réessayez.",
        "en": "'{file}' is protected by a password: remove the protection (for example by printing it to "
        "PDF from your viewer once opened), then retry.",
    },
    "documents.formats.archive_total": {
        "fr": "« {file} » se décompresserait en {found} Mo, au-delà de la limite de {limit} Mo : il est "
        "refusé sans être décompressé. Retirez-en les images ou les pièces jointes volumineuses, ou "
        "enregistrez-le en PDF, puis réessayez.",
        "en": "'{file}' would unpack to {found} MB, over the {limit} MB limit: it is refused without being "
        "unpacked. Remove its big pictures or attachments, or save it as PDF, then retry.",
    },
    "documents.formats.archive_ratio": {
        "fr": "« {file} » contient un élément ({member}) compressé {found} fois, au-delà de la limite de "
        "{limit} fois : c'est la marque d'une bombe de décompression, il est refusé sans être décompressé. "
        "Si le fichier est légitime, ré-enregistrez-le depuis son application, puis réessayez.",
        "en": "'{file}' holds a member ({member}) compressed {found} times, over the limit of {limit} times: "
        "the mark of a decompression bomb, so it is refused without being unpacked. If the file is "
        "genuine, save it again from its application, then retry.",
    },
    "documents.formats.archive_members": {
        "fr": "« {file} » contient {found} éléments, au-delà de la limite de {limit} : il est refusé sans "
        "être décompressé. Ré-enregistrez-le depuis son application, ou en PDF, puis réessayez.",
        "en": "'{file}' holds {found} members, over the limit of {limit}: it is refused without being "
        "unpacked. Save it again from its application, or as PDF, then retry.",
    },
    "documents.formats.needs_ocr": {
        "fr": "« {file} » ne contient que des images ({pages} pages sans texte) : c'est sans doute un "
        "document numérisé. La reconnaissance de caractères (OCR) n'est pas fournie avec causerie : "
        "exportez le texte depuis l'application d'origine, ou passez d'abord le fichier dans un outil "
        "d'OCR (par exemple : ocrmypdf -l fra {file} sortie.pdf), puis réessayez.",
        "en": "'{file}' holds only images ({pages} pages without text): it is probably a scanned document. "
        "Character recognition (OCR) is not bundled with causerie: export the text from its original "
        "application, or run the file through an OCR tool first (for example: ocrmypdf -l eng {file} "
        "output.pdf), then retry.",
    },
    "documents.formats.empty": {
        "fr": "« {file} » ne contient aucun texte. Vérifiez que c'est le bon fichier, puis réessayez.",
        "en": "'{file}' contains no text. Check that it is the right file, then retry.",
    },
    "documents.formats.pages_without_text": {
        "fr": "« {file} » : {count} page(s) sans texte, lues comme vides (des images, sans doute des pages "
        "numérisées) : {pages}. Pour les chercher aussi, passez le fichier dans un outil d'OCR "
        "(par exemple ocrmypdf) puis ajoutez-le à nouveau.",
        "en": "'{file}': {count} page(s) without text, read as empty (pictures, probably scanned pages): "
        "{pages}. To search them too, run the file through an OCR tool (for example ocrmypdf) and add it "
        "again.",
    },
}
