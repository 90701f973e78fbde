"""Terms the scenarios take from the seed report, spelt exactly as it spells them
(`tests/integration/test_seed_labels.py` finds each one in ../shared/seed/)."""

from __future__ import annotations

DISTRICT = "天桥区"
INDUSTRY_COMMITTEE = "区物业服务行业党委"
INDUSTRY_COMMITTEE_SECRETARY = "住建部门分管负责人"
PROPERTY_WORK_COMMITTEE = "社区物业工作指导委员会"
COLLECTION_POINT = "物业服务问题采集站点"
DEMONSTRATION_PROJECT = "“社区党建+红色物业”社区示范项目"
SECRETARY_TRAINING = "党支部书记培训"
COMMUNITY_TWO_COMMITTEES_MEMBER = "社区“两委”成员"
DELIBERATION_HALL = "议事厅"
SERVICE_WINDOW = "办事窗口"
PARTY_SERVICE_CENTRE = "党群服务中心"
EPIDEMIC_MEETING = "应对疫情紧急部署会议"
DISINFECTION = "集中消杀"
MONTHLY_CONSULTATION = "社区大事共商月例会"
KANGDU_COMPANY = "山东康都物业管理有限公司"
KANGDU_BRANCH = "山东康都物业管理有限公司党支部"
NAMED_PLACES = ("北坦街道", "华黎社区", "堤口路街道", "制锦市街道", "北关社区")
