from . import test_migration
from . import test_news_list
