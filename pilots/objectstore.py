"""Files on an S3-compatible object store (a self-hosted MinIO, say), chosen by
FILE_STORAGE=s3 (portal/settings.py). Imported only then: the file system
deployments never load boto3.
"""

from storages.backends.s3 import S3Storage


class ObjectStorage(S3Storage):
    """The private files and the news images on the object store, each under its
    own prefix (`location`) of one bucket.

    Every file leaves the portal through a view that checks who may read it (an
    unpublished post's image, too) and streams it; so an object gets no ACL of its
    own (it stays private to the bucket's owner) and no URL: a signed URL would
    hand the file to whoever holds the link, after the check. Two uploads of the
    same name keep two objects, as on the file system."""

    default_acl = None
    file_overwrite = False
    # A download is fetched whole before Django streams it out: a large one (an
    # attachment may have MAX_UPLOAD_MB) into a temporary file, not memory.
    max_memory_size = 2 * 1024 * 1024

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("files on the object store have no URL; a view serves them")
