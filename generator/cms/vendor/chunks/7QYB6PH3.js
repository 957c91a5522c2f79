import{a}from"./JB2PEP2R.js";export{a as default};
