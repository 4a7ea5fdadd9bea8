"""The language-centred question vector for searching text in another language.

A cosine between a question and a passage in another language is partly a cosine between two
languages. Removing part of the question language's own direction (the mean vector of generic
questions in that language) lowers the passages that match every question in that language
(hubs) and lets meaning decide. Measured on XQuAD in docs/benchmarks.md.
"""

from __future__ import annotations

import numpy as np

from index.embedder import Embedder, Vectors

# Share of the asker's language centroid removed from the question for the cross-lingual dense
# search (chosen on XQuAD articles 0-23: 0.5, 0.6 and 0.7 tie there; see docs/benchmarks.md).
CROSS_CENTRE = 0.5

# The language centroids: the mean query vector of these questions, one list per language. They
# are generic and unrelated to any archive; the lists are translations of each other, so the
# two means differ by language, not by content.
CENTROID_QUESTIONS: dict[str, tuple[str, ...]] = {
    "en": (
        "When did the new railway line open to traffic?",
        "How many workers does the factory employ?",
        "What did the farmers plant in the spring?",
        "Who led the delegation to the conference?",
        "Why did the price of grain rise last year?",
        "Where was the first school in the county built?",
        "What is the largest river in the province?",
        "How long did the drought last?",
        "Which team won the national championship?",
        "What new machine did the engineers design?",
        "How much steel was produced in that year?",
        "Who wrote the famous novel about the war?",
        "What language do the people of the region speak?",
        "When was the treaty between the two countries signed?",
        "What caused the flood in the valley?",
        "How many students graduated from the university?",
        "What is the main export of the country?",
        "Which city is the capital of the state?",
        "What did the scientists discover in the cave?",
        "How did the village improve its water supply?",
        "Who was the first president of the association?",
        "What kind of animals live in the forest?",
        "When did the hospital begin treating patients?",
        "What percentage of the population lives in cities?",
        "Why was the old bridge replaced?",
        "What music did the orchestra perform?",
        "How high is the mountain?",
        "What law did the parliament pass?",
        "Which company built the power station?",
        "What disease did the doctors study?",
        "How many tons of coal did the mine produce?",
        "What did the museum exhibit last month?",
    ),
    "zh": (
        "新铁路线是什么时候通车的？",
        "这家工厂有多少名工人？",
        "农民们在春天种了什么？",
        "谁率领代表团出席了会议？",
        "去年粮食价格为什么上涨？",
        "县里的第一所学校建在哪里？",
        "这个省最大的河流是什么？",
        "干旱持续了多长时间？",
        "哪支队伍赢得了全国冠军？",
        "工程师们设计了什么新机器？",
        "那一年生产了多少钢？",
        "谁写了那部关于战争的著名小说？",
        "这个地区的人说什么语言？",
        "两国之间的条约是什么时候签订的？",
        "是什么导致了山谷里的洪水？",
        "有多少学生从这所大学毕业？",
        "这个国家的主要出口产品是什么？",
        "哪个城市是这个州的首府？",
        "科学家们在洞穴里发现了什么？",
        "这个村庄是如何改善供水的？",
        "谁是这个协会的第一任主席？",
        "森林里生活着哪些动物？",
        "医院是什么时候开始接收病人的？",
        "百分之多少的人口住在城市里？",
        "为什么要更换那座旧桥？",
        "乐团演奏了什么音乐？",
        "这座山有多高？",
        "议会通过了什么法律？",
        "哪家公司建造了这座发电站？",
        "医生们研究了什么疾病？",
        "这个煤矿生产了多少吨煤？",
        "博物馆上个月展出了什么？",
    ),
}
_centroids: dict[tuple[str, str], Vectors] = {}


def language_centroid(embedder: Embedder, language: str) -> Vectors:
    """Mean query vector of :data:`CENTROID_QUESTIONS` in ``language`` (once per model)."""
    key = (embedder.model_id, language)
    if key not in _centroids:
        questions = CENTROID_QUESTIONS.get(language, CENTROID_QUESTIONS["en"])
        vectors = np.asarray(embedder.embed_queries(list(questions)), dtype=np.float32)
        _centroids[key] = vectors.mean(axis=0)
    return _centroids[key]


def centred_query(embedder: Embedder, vector: Vectors, language: str) -> Vectors:
    """``normalize(vector - CROSS_CENTRE * centroid(language))``: the question with part of its
    language's direction removed, for searching a side in another language."""
    out = np.asarray(vector, dtype=np.float32) - CROSS_CENTRE * language_centroid(
        embedder, language
    )
    norm = float(np.linalg.norm(out))
    return (out / norm).astype(np.float32) if norm else np.asarray(vector, dtype=np.float32)
