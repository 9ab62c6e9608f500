"""Names the site and the worker share: the Celery tasks and queues of the Douban work, and the buckets and
circuits of the shared rate-limit gate. Tasks are sent by these names; ``webapp`` never imports ``worker``."""

FETCH_TASK = "movrec.fetch_movie_info"       # one movie's Douban info, by MovieLens id
BACKFILL_TASK = "movrec.backfill_movie_info"  # beat's run: queue the next few movies without info
INTERACTIVE_QUEUE = "douban_interactive"      # movies someone is looking at; workers take these first
BACKFILL_QUEUE = "douban_backfill"            # the slow backfill of the catalogue

# Request buckets, each with its own spacing: Douban's pages, and its image host.
PAGES, IMAGES = "pages", "images"
BUCKETS = (PAGES, IMAGES)
# Circuits: every page (opened by a block), subject pages only (a challenge we cannot pass), the image host.
DOUBAN_CIRCUIT, SUBJECT_CIRCUIT, IMAGE_CIRCUIT = "douban", "subject", "images"
CIRCUITS = (DOUBAN_CIRCUIT, SUBJECT_CIRCUIT, IMAGE_CIRCUIT)
CIRCUIT_OF = {PAGES: DOUBAN_CIRCUIT, IMAGES: IMAGE_CIRCUIT}  # the circuit a block in each bucket opens
